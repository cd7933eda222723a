import { spawn } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'
import v8 from 'node:v8'
import vm from 'node:vm'
import { fileURLToPath } from 'node:url'
import { roomTopic } from '../../src/core/net/crypto'
import { MAX_CONNECTIONS, MAX_UNPROVEN_CONNECTIONS } from '../../src/core/node'
import { tempDir, until } from '../helpers/net'
import { Cluster, connected, waitForTexts } from '../helpers/nodes'

// The Sybil test: an honest node and a legitimate member share a room; then a horde of
// swarms without the room key join its topic and keep dialling (sybil-child.ts). The
// honest node must keep its connection count under the engine's cap, its heap bounded,
// and its legitimate peer connected, with messages still flowing both ways.

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..', '..')

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
const heap = () => {
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed
}

export interface SybilReport {
  sybils: number
  durationMs: number
  /** Connections the horde got opened at all (each was dropped again). */
  sybilConnections: number
  maxHonestConnections: number
  connectionCap: number
  heapBeforeBytes: number
  heapAfterBytes: number
  heapBoundBytes: number
  legitDisconnects: number
  badHellos: number
  problems: string[]
}

export async function runSybil(opts: {
  sybils: number
  durationMs: number
  heapBoundBytes: number
  log?: (line: string) => void
}): Promise<SybilReport> {
  const log = opts.log ?? (() => {})
  const cluster = await Cluster.start()
  const problems: string[] = []
  try {
    const honest = await cluster.node('Honest', await tempDir('linkup-sybil-'))
    const friend = await cluster.node('Friend', await tempDir('linkup-sybil-'))
    const room = (await honest.createRoom('under attack')).key
    await friend.joinRoom(room)
    await connected(honest, friend, room)
    await honest.send(room, 'before the horde')
    await waitForTexts(friend, room, ['before the horde'], 30_000)
    const friendKey = friend.memberKey(room)
    let legitDisconnects = 0
    honest.on('peer:left', (p) => {
      if (p.key === friendKey) legitDisconnects++
    })
    const heapBefore = heap()
    // The friend's connection is proven; everything else the horde opens is not.
    const cap = Math.min(MAX_CONNECTIONS, MAX_UNPROVEN_CONNECTIONS + honest.swarm.connections.size)

    const horde = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(HERE, 'sybil-child.ts'),
        JSON.stringify({
          bootstrap: cluster.net.bootstrap,
          topic: roomTopic(Buffer.from(room, 'hex')).toString('hex'),
          count: opts.sybils,
        }),
      ],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    )
    let sybilConnections = 0
    const exited = new Promise((r) => horde.once('exit', r))
    readline.createInterface({ input: horde.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line)
      if (msg.ev === 'stats' || msg.ev === 'closed') sybilConnections = msg.opened
    })
    let maxConnections = 0
    const sample = setInterval(() => {
      maxConnections = Math.max(maxConnections, honest.swarm.connections.size)
    }, 20)
    try {
      const end = Date.now() + opts.durationMs
      let n = 0
      while (Date.now() < end) {
        // Legitimate traffic keeps flowing both ways while the horde dials.
        await friend.send(room, `friend ${n}`)
        await honest.send(room, `honest ${n}`)
        await waitForTexts(honest, room, [`friend ${n}`], 30_000)
        await waitForTexts(friend, room, [`honest ${n}`], 30_000)
        n++
        await new Promise((r) => setTimeout(r, 1000))
      }
      log(`${n} rounds of legitimate messages during the attack`)
      if (!honest.peers(room).some((p) => p.key === friendKey))
        problems.push('the friend is no longer connected')
    } finally {
      clearInterval(sample)
      horde.stdin!.write('stop\n')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))])
      horde.kill('SIGKILL')
    }
    // Sybil connections the horde left behind close; what the honest node holds must go back down.
    await until(
      'the honest node to shed the horde',
      () => honest.swarm.connections.size <= 2,
      30_000,
    ).catch(() =>
      problems.push(`${honest.swarm.connections.size} connections still open after the horde left`),
    )
    const heapAfter = heap()
    if (maxConnections > cap)
      problems.push(`${maxConnections} connections at once, above the cap of ${cap}`)
    if (heapAfter - heapBefore > opts.heapBoundBytes)
      problems.push(`heap grew ${((heapAfter - heapBefore) / 2 ** 20).toFixed(1)} MiB`)
    if (legitDisconnects) problems.push(`the friend was disconnected ${legitDisconnects} times`)
    if (sybilConnections === 0)
      problems.push('the horde never got a connection: the test tested nothing')
    return {
      sybils: opts.sybils,
      durationMs: opts.durationMs,
      sybilConnections,
      maxHonestConnections: maxConnections,
      connectionCap: cap,
      heapBeforeBytes: heapBefore,
      heapAfterBytes: heapAfter,
      heapBoundBytes: opts.heapBoundBytes,
      legitDisconnects,
      badHellos: honest.stats.droppedFrames,
      problems,
    }
  } finally {
    await cluster.close()
  }
}

import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import DHT from 'hyperdht'
import createTestnet from 'hyperdht/testnet.js'
import Hyperswarm from 'hyperswarm'

// Minimal reproduction of the half-open join (docs/BENCHMARKS.md, "Joining: upstream root
// cause"): plain hyperswarm, a private hyperdht testnet on 127.0.0.1, two processes. No
// LinkUp code. Each side writes one byte on every connection it is handed.
//
//   npx tsx scripts/join-repro.ts [trials=20] [--trace] [--both]
//
// Default: this process holds a swarm announced on a fresh topic per trial; a child
// process starts a fresh swarm, joins the topic (server and client, as LinkUp does) and
// waits 3 s. A trial is "half-open" when the child was handed a dialled socket that never
// read a byte and this side was never handed one. `--both`: both sides join the same topic
// at once and look it up again after announcing, so both dial each other at the same time.
// `--trace` shows, in the server process, hyperdht aborting its holepunch (server.js
// `_abort`) and the raw stream being closed before the client's first packet arrives.

const WAIT_MS = 3000
const SELF = fileURLToPath(import.meta.url)
type Bootstrap = Array<{ host: string; port: number }>
interface Side {
  dialled: number
  accepted: number
  read: number
  silent: number
}

function swarmOn(bootstrap: Bootstrap, trace: boolean, log: (m: string) => void) {
  const swarm = new Hyperswarm({ dht: new DHT({ bootstrap, host: '127.0.0.1' }) })
  const side: Side = { dialled: 0, accepted: 0, read: 0, silent: 0 }
  const conns = new Set<any>()
  swarm.on('connection', (conn: any) => {
    conns.add(conn)
    conn.on('error', () => {})
    if (conn.isInitiator) side.dialled++
    else side.accepted++
    conn.write(Buffer.from([1]))
    conn.once('data', () => side.read++)
  })
  if (trace) {
    // Instrumentation only: wraps hyperdht's private Server._abort to show when it runs.
    const server: any = (swarm as any).server
    const abort = server._abort.bind(server)
    server._abort = (h: any, err: unknown) => {
      log(`server: hyperdht _abort (holepunch given up), raw stream ${h.rawStream?.id} closed`)
      return abort(h, err)
    }
    const dht: any = swarm.dht
    void dht.fullyBootstrapped().then(() =>
      dht.io.serverSocket.on('message', (buf: Buffer) => {
        if (buf[0] === 0xff)
          log(`server: UDX packet for stream ${buf.readUInt32LE(4)} came up as a datagram`)
      }),
    )
  }
  const settle = () => {
    for (const c of conns) if (c.isInitiator && !c.destroyed && c.rawBytesRead === 0) side.silent++
    return side
  }
  return { swarm, settle }
}

async function child(bootstrap: Bootstrap, trace: boolean): Promise<void> {
  const log = (m: string) => process.send!({ log: `[child] ${m}` })
  process.on('message', async (msg: any) => {
    const { swarm, settle } = swarmOn(bootstrap, trace, log)
    await swarm.dht.fullyBootstrapped()
    const discovery = swarm.join(Buffer.from(msg.topic, 'hex'), { server: true, client: true })
    if (msg.both) {
      process.send!({ go: true })
      await discovery.flushed()
      await discovery.refresh()
    }
    await new Promise((r) => setTimeout(r, WAIT_MS))
    const side = settle()
    await swarm.destroy()
    process.send!({ side })
  })
  process.send!({ ready: true })
}

async function parent(): Promise<void> {
  const trials = Number(process.argv.find((a) => /^\d+$/u.test(a)) ?? 20)
  const trace = process.argv.includes('--trace')
  const both = process.argv.includes('--both')
  const net = await createTestnet(3, { host: '127.0.0.1' })
  const kid = fork(SELF, ['--child', JSON.stringify(net.bootstrap), trace ? '--trace' : ''], {
    execArgv: ['--import', 'tsx'],
  })
  const next = (key: string) =>
    new Promise<any>((resolve) => {
      const on = (m: any) => {
        if (m.log) console.log(m.log)
        if (m[key] === undefined) return
        kid.off('message', on)
        resolve(m)
      }
      kid.on('message', on)
    })
  await next('ready')
  const tally = { both: 0, halfOpen: 0, none: 0, other: 0 }
  const log = (m: string) => console.log(`[parent] ${m}`)
  for (let t = 0; t < trials; t++) {
    const { swarm, settle } = swarmOn(net.bootstrap, trace, log)
    await swarm.dht.fullyBootstrapped()
    const topic = randomBytes(32)
    const done = next('side')
    if (both) {
      const go = next('go')
      kid.send({ topic: topic.toString('hex'), both })
      await go
      const discovery = swarm.join(topic, { server: true, client: true })
      await discovery.flushed()
      await discovery.refresh()
    } else {
      swarm.join(topic, { server: true, client: true })
      await swarm.flush()
      kid.send({ topic: topic.toString('hex') })
    }
    const { side: c } = await done
    const p = settle()
    await swarm.destroy()
    const kind =
      c.read > 0 && p.read > 0
        ? 'both'
        : c.silent + p.silent > 0 && c.read + p.read === 0
          ? 'halfOpen'
          : c.dialled + c.accepted + p.dialled + p.accepted === 0
            ? 'none'
            : 'other'
    tally[kind]++
    console.log(
      `trial ${t}: ${kind.padEnd(8)} child dialled ${c.dialled} accepted ${c.accepted} read ${c.read} silent ${c.silent} | parent dialled ${p.dialled} accepted ${p.accepted} read ${p.read} silent ${p.silent}`,
    )
  }
  console.log(
    `${trials} trials: ${tally.both} connected both ways, ${tally.halfOpen} half-open (a dialled socket open, nothing read, the other side handed nothing), ${tally.none} no socket, ${tally.other} other`,
  )
  kid.kill()
  await net.destroy()
}

if (process.argv.includes('--child'))
  await child(
    JSON.parse(process.argv[process.argv.indexOf('--child') + 1]),
    process.argv.includes('--trace'),
  )
else await parent()

// Diagnostics for the "32 join at once" rows of bench/scale.ts (bench/lib/crowd.ts), without
// the rest of the scale benchmark: the same crowd, traced. Every 250 ms it prints the room's
// link graph (connected components, links per member), how busy the event loop and the
// thread pool are, and how many messages have reached everyone; at the end, each member's
// first-peer and all-reached times and every event of the mesh and of the writer-key
// gossip (dials, lookups, channels opened and closed, keys offered and vouched for,
// blocks downloaded) in .tmp/crowd-events.txt. It wraps the engine's private methods from
// outside; nothing in src/ knows about it. docs/BENCHMARKS.md ("The bounded-mesh
// targets") says what it found.
//
// Start a private DHT first (`npm run dht -- --port 49800`), then:
//   npx tsx scripts/crowd-trace.ts [members=32] [watch ms=10000]
import fs from 'node:fs'
import { randomBytes } from 'node:crypto'
import { Session } from 'node:inspector/promises'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import type { LinkupNode } from '../src/core/node'
import type { TimelineEntry } from '../src/shared/types'
import { text200 } from '../bench/lib/context'
import { makeNode } from '../bench/lib/engines'
import { removeTempDirs, sleep } from '../bench/lib/net'

const count = Number(process.argv[2] ?? 32)
const limitMs = Number(process.argv[3] ?? 10_000)
const bootstrap = [{ host: '127.0.0.1', port: Number(process.env.DHT_PORT ?? 49800) }]
const POLL_MS = 250

let t0 = 0
const t = () => Math.round(performance.now() - t0)
const events: string[] = []
const log = (s: string) => events.push(`${t()} ${s}`)

const roomKey = randomBytes(32).toString('hex')
const nodes: LinkupNode[] = []
for (let i = 0; i < count; i++) nodes.push(await makeNode(bootstrap))
await Promise.all(nodes.map((n) => n.swarm.dht.fullyBootstrapped()))
const bySwarmKey = new Map(nodes.map((n, i) => [n.swarm.keyPair.publicKey.toString('hex'), i]))
const byWriter = new Map<string, number>()
const sw = (k: string) => bySwarmKey.get(k) ?? k.slice(0, 6)
const wr = (k: string) => byWriter.get(k) ?? k.slice(0, 6)
const firstPeer: Array<number | null> = nodes.map(() => null)
const reached = new Map<string, Map<number, number>>()
nodes.forEach((_, i) => reached.set(text200(i), new Map([[i, 0]])))

// CPU time the process spent from the start until every member had a peer, and until every
// message had reached everyone: less swayed by other work on the machine than wall time.
let cpu0 = process.cpuUsage()
const cpuMs = () => {
  const u = process.cpuUsage(cpu0)
  return Math.round((u.user + u.system) / 1000)
}
let cpuAllPeered: number | null = null
let cpuAllReached: number | null = null
nodes.forEach((node, i) => {
  node.on('peer:connected', () => {
    if (firstPeer[i] === null) firstPeer[i] = t()
    if (cpuAllPeered === null && firstPeer.every((x) => x !== null)) cpuAllPeered = cpuMs()
  })
  node.on('entry:added', (e: TimelineEntry) => {
    const got = e.text === undefined ? undefined : reached.get(e.text)
    if (got && !got.has(i)) got.set(i, t())
    if (cpuAllReached === null && [...reached.values()].every((g) => g.size === count))
      cpuAllReached = cpuMs()
  })
})

/** Wraps a method of an engine object to log each call (its private ones included). */
function wrap(obj: any, name: string, describe: (...args: any[]) => string | null): void {
  const orig = obj[name].bind(obj)
  obj[name] = (...args: any[]) => {
    const line = describe(...args)
    if (line) log(line)
    return orig(...args)
  }
}

function trace(i: number): void {
  const room: any = (nodes[i] as any).rooms_.get(roomKey)
  byWriter.set(room.ownKey, i)
  const n = `n${i}`
  wrap(room, 'offerWriter', (from: string, key: string) =>
    room.following.has(key) || room.timeline.writers.has(key)
      ? null
      : `${n} offered w${wr(key)} by n${sw(from)}`,
  )
  wrap(room, 'vouch', (key: string) =>
    room.vouched.has(key) || key === room.ownKey ? null : `${n} vouches w${wr(key)}`,
  )
  wrap(room.timeline, 'downloaded', (key: string, seq: number) => `${n} got w${wr(key)} #${seq}`)
  wrap(
    room,
    'onChannelOpen',
    (ch: any) =>
      `${n} link open n${sw(ch.remoteKey)}${ch.conn.isInitiator ? ' (dialed)' : ''}${ch.refusing ? ' refusing' : ''}${ch.remoteFull ? ' refused' : ''}`,
  )
  wrap(
    room,
    'onChannelClose',
    (ch: any, wasOpen: boolean) =>
      `${n} link closed n${sw(ch.remoteKey)}${wasOpen ? '' : ' never opened'}`,
  )
  // Each pushed block applied, or held already, or dropped (stale or forged): by whom, when.
  const applyPush = room.applyPush.bind(room)
  room.applyPush = async (ch: any, key: string, frame: any) => {
    const r = await applyPush(ch, key, frame)
    log(`${n} push w${wr(key)} #${frame.proof.block.index} from n${sw(ch.remoteKey)}: ${r}`)
    return r
  }
  wrap(room.mesh, 'dial', (key: string) => `${n} dials n${sw(key)}`)
  wrap(room.mesh, 'lookup', () => `${n} looks up`)
}

function components(): number[] {
  const adj = nodes.map((node) =>
    node
      .peers(roomKey)
      .map((p) => byWriter.get(p.key))
      .filter((x): x is number => x !== undefined),
  )
  const seen = new Set<number>()
  const sizes: number[] = []
  for (let i = 0; i < count; i++) {
    if (seen.has(i)) continue
    let size = 0
    const stack = [i]
    seen.add(i)
    while (stack.length) {
      const x = stack.pop()!
      size++
      for (const y of adj[x])
        if (!seen.has(y)) {
          seen.add(y)
          stack.push(y)
        }
    }
    sizes.push(size)
  }
  return sizes
}

// CROWD_PROF=file: a CPU profile of the window from the common start to the end of the watch.
const profFile = process.env.CROWD_PROF
const inspector = profFile ? new Session() : null
if (inspector) {
  inspector.connect()
  await inspector.post('Profiler.enable')
  await inspector.post('Profiler.start')
}
const lag = monitorEventLoopDelay({ resolution: 10 })
lag.enable()
t0 = performance.now()
cpu0 = process.cpuUsage()
const joining = Promise.all(
  nodes.map(async (node, i) => {
    await node.joinRoom(roomKey)
    trace(i)
    log(`n${i} joined`)
    await node.send(roomKey, text200(i))
    log(`n${i} sent`)
  }),
)
let elu = performance.eventLoopUtilization()
let done = false
joining.then(() => (done = true))
while (t() < limitMs) {
  await sleep(POLL_MS)
  const poolStart = performance.now()
  await fs.promises.stat('/')
  const poolMs = performance.now() - poolStart
  const busy = performance.eventLoopUtilization(elu).utilization
  elu = performance.eventLoopUtilization()
  const all = [...reached.values()].filter((got) => got.size === count).length
  const degrees = nodes.map((node) => (done ? node.peers(roomKey).length : 0))
  console.log(
    `${t()} ms: components ${done ? components().join(',') : '-'}; links ${degrees.join('')}; ` +
      `${all}/${count} messages reached all; loop ${(busy * 100).toFixed(0)}% busy, ` +
      `lag max ${(lag.max / 1e6).toFixed(0)} ms; thread pool ${poolMs.toFixed(0)} ms`,
  )
  lag.reset()
  if (all === count && firstPeer.every((x) => x !== null)) break
}
await joining
if (inspector && profFile) {
  const { profile } = await inspector.post('Profiler.stop')
  fs.writeFileSync(profFile, JSON.stringify(profile))
}
const allAt = [...reached.values()].map((got) =>
  got.size === count ? Math.max(...got.values()) : null,
)
console.log(`cpu (ms) until all had a peer ${cpuAllPeered}, until all reached all ${cpuAllReached}`)
console.log('first peer (ms):', firstPeer.join(' '))
console.log('message reached all (ms):', allAt.join(' '))
fs.mkdirSync('.tmp', { recursive: true })
fs.writeFileSync('.tmp/crowd-events.txt', events.join('\n') + '\n')
console.log(`${events.length} events in .tmp/crowd-events.txt`)
const sum = (f: (n: any) => number) => nodes.reduce((a, n) => a + f(n), 0)
console.log(
  `half-open drops ${sum((n) => n.halfOpen.dropped)}; client connects attempted ` +
    `${sum((n) => n.swarm.stats.connects.client.attempted)}, opened ` +
    `${sum((n) => n.swarm.stats.connects.client.opened)}; server connections ` +
    `${sum((n) => n.swarm.stats.connects.server.opened)}`,
)
{
  const st: any = {}
  for (const n of nodes as any[]) {
    const stats = n.store.storage.rocks._state.stats
    for (const [k, v] of Object.entries(stats)) st[k] = (st[k] ?? 0) + (v as number)
  }
  console.log('rocksdb', JSON.stringify(st))
  let sessions = 0
  for (const n of nodes as any[]) {
    const room = n.rooms_.get(roomKey)
    for (const w of room.timeline.writers.values()) sessions += w.core.core.replicator.peers.length
  }
  console.log('writer-core sessions at the end', sessions)
}
await Promise.all(nodes.map((n) => n.close()))
await removeTempDirs()
process.exit(0)

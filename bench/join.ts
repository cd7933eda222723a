import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { LinkupNode } from '../src/core/node'
import { size, type BenchContext, type Benchmark } from './lib/context'
import { makeNode } from './lib/engines'
import { bareSwarm, removeTempDirs, sleep, testnet, type Bootstrap } from './lib/net'
import { le, result, type Result } from './lib/result'
import { summarize } from './lib/stats'
import { spawnWorker } from './lib/worker'

// Joining: a member already in a room and announced; a fresh engine (DHT bootstrapped,
// nothing else) calls joinRoom: time to its first peer:connected. Run with both engines
// in one process (as the tests do) and with the joiner in another process (as two users
// are). Baseline: a bare hyperswarm swarm doing the same with join(topic); a connection
// counts once a byte has come through it (LinkUp's peer:connected needs a handshake
// through it). Many members joining at once is measured in bench/scale.ts (lib/crowd.ts):
// with a bounded mesh a member never links with all the others, so the old "full mesh"
// row here is gone.

const SELF = fileURLToPath(import.meta.url)
const HELLO = Buffer.from([1])

// ---- one joiner, possibly in a worker process ----

let joiner: LinkupNode | null = null
let swarm: any = null

/**
 * Joins and times to the first connection; `timeoutMs` when none came (censored). Also
 * counts the dialled sockets the engine dropped as half-open (src/core/net/half-open.ts;
 * an engine from before it had none to count).
 */
async function linkupJoin(
  bootstrap: Bootstrap,
  room: string,
  timeoutMs: number,
): Promise<{ ms: number; halfOpen: number }> {
  const node = (joiner = await makeNode(bootstrap))
  try {
    await node.swarm.dht.fullyBootstrapped()
    const connected = new Promise<number>((resolve) =>
      node.once('peer:connected', () => resolve(performance.now())),
    )
    const start = performance.now()
    await node.joinRoom(room)
    const at = await Promise.race([connected, sleep(timeoutMs).then(() => start + timeoutMs)])
    return { ms: at - start, halfOpen: (node as any).halfOpen?.dropped ?? 0 }
  } finally {
    await node.close()
    joiner = null
  }
}

async function bareJoin(
  bootstrap: Bootstrap,
  topicHex: string,
  timeoutMs: number,
): Promise<number> {
  const s = (swarm = bareSwarm(bootstrap))
  try {
    await s.dht.fullyBootstrapped()
    // A connection counts once a byte came through it, as LinkUp's peer:connected
    // needs the room channel's handshake to have come through: on loopback between two
    // processes, 'connection' can fire for a socket that never carries data.
    const connected = new Promise<number>((resolve) =>
      s.on('connection', (conn: any) => {
        conn.on('error', () => {})
        conn.write(HELLO)
        conn.once('data', () => resolve(performance.now()))
      }),
    )
    const start = performance.now()
    s.join(Buffer.from(topicHex, 'hex'), { server: true, client: true })
    const at = await Promise.race([connected, sleep(timeoutMs).then(() => start + timeoutMs)])
    return at - start
  } finally {
    await s.destroy()
    swarm = null
  }
}

export const worker = {
  linkupJoin,
  bareJoin,
  async close() {
    await joiner?.close()
    await swarm?.destroy()
    await removeTempDirs()
  },
}

// ---- the coordinator ----

interface Trials {
  samples: number[]
  censored: number
  /** Half-open dialled sockets the engine dropped, over all trials. */
  halfOpen: number
}

async function joinTrials(
  bootstrap: Bootstrap,
  trials: number,
  timeoutMs: number,
  crossProcess: boolean,
): Promise<{ linkup: Trials; bare: Trials }> {
  const host = await makeNode(bootstrap)
  const hostSwarm = bareSwarm(bootstrap)
  hostSwarm.on('connection', (conn: any) => {
    conn.on('error', () => {})
    conn.write(HELLO)
  })
  const child = crossProcess ? spawnWorker(SELF, { callTimeoutMs: timeoutMs + 30_000 }) : null
  const call = <T>(fn: 'linkupJoin' | 'bareJoin', key: string): Promise<T> =>
    child
      ? child.call<T>(fn, bootstrap, key, timeoutMs)
      : (worker[fn](bootstrap, key, timeoutMs) as Promise<T>)
  const linkup: Trials = { samples: [], censored: 0, halfOpen: 0 }
  const bare: Trials = { samples: [], censored: 0, halfOpen: 0 }
  try {
    for (let t = 0; t < trials; t++) {
      const { key } = await host.createRoom(`join ${t}`)
      await host.swarm.flush()
      const { ms, halfOpen } = await call<{ ms: number; halfOpen: number }>('linkupJoin', key)
      await host.leaveRoom(key)
      linkup.samples.push(ms)
      linkup.halfOpen += halfOpen
      if (ms >= timeoutMs) linkup.censored++
      const topic = randomBytes(32)
      hostSwarm.join(topic, { server: true, client: true })
      await hostSwarm.flush()
      const bms = await call<number>('bareJoin', topic.toString('hex'))
      await hostSwarm.leave(topic)
      bare.samples.push(bms)
      if (bms >= timeoutMs) bare.censored++
    }
    return { linkup, bare }
  } finally {
    await child?.close()
    await hostSwarm.destroy()
    await host.close()
  }
}

async function run(ctx: BenchContext): Promise<Result[]> {
  const trials = size(ctx, 12, 3)
  const crossTrials = size(ctx, 20, 1)
  const trialLimitMs = size(ctx, 6_000, 2_000)
  const net = await testnet()
  try {
    ctx.log(`join to first connection, one process, ${trials} trials`)
    const one = await joinTrials(net.bootstrap, trials, trialLimitMs, false)
    ctx.log(`join to first connection, joiner in another process, ${crossTrials} trials`)
    const two = await joinTrials(net.bootstrap, crossTrials, trialLimitMs, true)

    const trialRows = (label: string, t: { linkup: Trials; bare: Trials }) => {
      const l = summarize(t.linkup.samples)
      const b = summarize(t.bare.samples)
      const censored = (x: Trials) =>
        x.censored
          ? `, ${x.censored} with no connection within ${trialLimitMs} ms (counted as ${trialLimitMs})`
          : ''
      return [
        result({
          name: `join → first connection p50, ${label}`,
          value: l.p50,
          unit: 'ms',
          baseline: 'bare hyperswarm join',
          baseline_value: b.p50,
          baseline_timed_out: { count: t.bare.censored, of: b.n },
          target: le(50),
          note: `${l.n} trials: LinkUp max ${l.max.toFixed(0)} ms${censored(t.linkup)}, ${t.linkup.halfOpen} half-open dialled sockets dropped and redialled; bare max ${b.max.toFixed(0)} ms${censored(t.bare)}`,
        }),
      ]
    }
    return [...trialRows('1 process', one), ...trialRows('2 processes', two)]
  } finally {
    await net.destroy()
    await removeTempDirs()
  }
}

export const benchmark: Benchmark = {
  name: 'join',
  title: 'Room join to first connection, in one process and across two',
  run,
}

import { randomBytes } from 'node:crypto'
import type { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { text200 } from './context'
import { makeNode } from './engines'
import { bareSwarm, sleep, type Bootstrap } from './net'
import { le, result, type Result } from './result'
import { summarize } from './stats'

// Members joining one room at the same moment (bench/scale.ts). All engines are made and
// bootstrapped first; then every one calls joinRoom on the same new key at once, and each
// sends one message as soon as its joinRoom returns. Times are from that common start.

const CROWD_PEER_TARGET_MS = 1_000
const CROWD_MESSAGE_TARGET_MS = 3_000

export interface CrowdRun {
  size: number
  /** ms from the start at which each member first had a peer (null: not within the limit). */
  firstPeerMs: Array<number | null>
  /** ms from the start at which each member's message had reached every other member. */
  allReachedMs: Array<number | null>
  /** ms from the start at which each member's joinRoom returned (it sends then). */
  joinedMs: number[]
  /** Peers per member at the end (the mesh it settled on). */
  degrees: number[]
  limitMs: number
}

export async function linkupCrowd(
  bootstrap: Bootstrap,
  count: number,
  limitMs: number,
): Promise<CrowdRun> {
  const room = randomBytes(32).toString('hex')
  const nodes: LinkupNode[] = []
  try {
    for (let i = 0; i < count; i++) nodes.push(await makeNode(bootstrap))
    await Promise.all(nodes.map((n) => n.swarm.dht.fullyBootstrapped()))
    const firstPeerMs: Array<number | null> = nodes.map(() => null)
    const allReachedMs: Array<number | null> = nodes.map(() => null)
    const joinedMs = nodes.map(() => NaN)
    const reached = new Map<string, { sender: number; got: Set<number> }>()
    let done: () => void
    const finished = new Promise<void>((resolve) => (done = resolve))
    let t0 = 0
    const complete = () =>
      firstPeerMs.every((t) => t !== null) && allReachedMs.every((t) => t !== null)
    nodes.forEach((node, i) => {
      node.on('peer:connected', () => {
        if (firstPeerMs[i] === null) firstPeerMs[i] = performance.now() - t0
        if (complete()) done()
      })
      node.on('entry:added', (e: TimelineEntry) => {
        const r = e.text === undefined ? undefined : reached.get(e.text)
        if (!r || r.got.has(i)) return
        r.got.add(i)
        if (r.got.size === count) allReachedMs[r.sender] = performance.now() - t0
        if (complete()) done()
      })
    })
    nodes.forEach((_, i) => reached.set(text200(i), { sender: i, got: new Set([i]) }))
    t0 = performance.now()
    await Promise.all(
      nodes.map(async (node, i) => {
        await node.joinRoom(room)
        joinedMs[i] = performance.now() - t0
        await node.send(room, text200(i))
      }),
    )
    await Promise.race([finished, sleep(Math.max(0, limitMs - (performance.now() - t0)))])
    return {
      size: count,
      firstPeerMs,
      allReachedMs,
      joinedMs,
      degrees: nodes.map((n) => n.peers(room).length),
      limitMs,
    }
  } finally {
    await Promise.all(nodes.map((n) => n.close()))
  }
}

/** The bare stack doing the same: swarms joining one topic at once; a peer counts once a byte came through. */
export async function bareCrowd(
  bootstrap: Bootstrap,
  count: number,
  limitMs: number,
): Promise<CrowdRun> {
  const topic = randomBytes(32)
  const swarms = Array.from({ length: count }, () => bareSwarm(bootstrap))
  try {
    await Promise.all(swarms.map((s) => s.dht.fullyBootstrapped()))
    const firstPeerMs: Array<number | null> = swarms.map(() => null)
    let t0 = 0
    let done: () => void
    const finished = new Promise<void>((resolve) => (done = resolve))
    swarms.forEach((s, i) =>
      s.on('connection', (conn: any) => {
        conn.on('error', () => {})
        conn.write(Buffer.from([1]))
        conn.once('data', () => {
          if (firstPeerMs[i] === null) firstPeerMs[i] = performance.now() - t0
          if (firstPeerMs.every((t) => t !== null)) done()
        })
      }),
    )
    t0 = performance.now()
    for (const s of swarms) s.join(topic, { server: true, client: true })
    await Promise.race([finished, sleep(limitMs)])
    return {
      size: count,
      firstPeerMs,
      allReachedMs: [],
      joinedMs: [],
      degrees: swarms.map((s) => s.connections.size),
      limitMs,
    }
  } finally {
    await Promise.all(swarms.map((s) => s.destroy()))
  }
}

/** The slowest member (null if any missed), and how many made it. */
function slowest(times: Array<number | null>): { ms: number | null; made: number } {
  const made = times.filter((t): t is number => t !== null)
  return { ms: made.length === times.length ? Math.max(...made) : null, made: made.length }
}

export function crowdRows(l: CrowdRun, b: CrowdRun): Result[] {
  const peer = slowest(l.firstPeerMs)
  const bare = slowest(b.firstPeerMs)
  const msg = slowest(l.allReachedMs)
  const deg = summarize(l.degrees)
  const arrived = l.allReachedMs.filter((t): t is number => t !== null)
  const joined = summarize(l.joinedMs)
  const mesh = `joinRoom returned after p50 ${joined.p50.toFixed(0)} ms, max ${joined.max.toFixed(0)} ms; peers per member at the end: min ${Math.min(...l.degrees)} / median ${deg.p50} / max ${deg.max}`
  return [
    result({
      name: `${l.size} join at once: every member has a peer`,
      value: peer.ms,
      unit: 'ms',
      baseline: `${b.size} bare swarms join at once`,
      baseline_value: bare.ms,
      baseline_timed_out: { count: bare.ms === null ? 1 : 0, of: 1 },
      target: le(CROWD_PEER_TARGET_MS),
      note: [
        peer.ms === null ? `${peer.made}/${l.size} had a peer within ${l.limitMs / 1000} s` : '',
        bare.ms === null ? `baseline: ${bare.made}/${b.size} within ${b.limitMs / 1000} s` : '',
        mesh,
      ]
        .filter(Boolean)
        .join('; '),
    }),
    result({
      name: `${l.size} join at once: each one's message reaches all ${l.size}`,
      value: msg.ms,
      unit: 'ms',
      target: le(CROWD_MESSAGE_TARGET_MS),
      note:
        `from the common start, each member sending as its joinRoom returns; slowest message shown` +
        (arrived.length ? `, median ${summarize(arrived).p50.toFixed(0)} ms` : '') +
        (msg.ms === null
          ? `; ${msg.made}/${l.size} messages reached everyone within ${l.limitMs / 1000} s`
          : ''),
    }),
  ]
}

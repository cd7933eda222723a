import { randomBytes } from 'node:crypto'
import type { LinkupNode } from '../../src/core/node'
import {
  makeMembers,
  mergeMembers,
  runMembers,
  sharedClockMs,
  type CrowdRun,
  type MemberRunOptions,
  type MemberTimes,
} from './crowd-members'
import { bareSwarm, sleep, type Bootstrap } from './net'
import { le, result, type Result } from './result'
import { summarize } from './stats'
import type { Worker } from './worker'

export type { CrowdRun } from './crowd-members'

// Members joining one room at the same moment (bench/scale.ts). All engines are made and
// bootstrapped first; then every one calls joinRoom on the same new key at once, and each
// sends one message as soon as its joinRoom returns. Times are from that common start.
// The crowd runs two ways: all members in one process (one event loop does all 32
// members' work), and members spread over a few worker processes, as real members each
// run their own app (lib/crowd-members.ts times both on one clock).

const CROWD_PEER_TARGET_MS = 1_000
const CROWD_MESSAGE_TARGET_MS = 3_000
/** The parent picks the common start this far ahead, so every process has its signal by then. */
const START_LEAD_MS = 200

/** All members in this one process (their work shares one event loop). */
export async function linkupCrowd(
  bootstrap: Bootstrap,
  count: number,
  limitMs: number,
): Promise<CrowdRun> {
  const nodes = await makeMembers(bootstrap, count)
  try {
    const room = randomBytes(32).toString('hex')
    const opts = { room, first: 0, total: count, startAt: sharedClockMs(), limitMs }
    return mergeMembers([await runMembers(nodes, opts)], limitMs)
  } finally {
    await Promise.all(nodes.map((n) => n.close()))
  }
}

// A crowd spread over worker processes: each makes its engines (crowdMake) and answers
// once they are bootstrapped; then all are told the same start (crowdRun).
let held: LinkupNode[] = []

/** Functions a worker process exports (bench/scale.ts) for linkupCrowdInProcesses. */
export const crowdWorker = {
  async crowdMake(bootstrap: Bootstrap, count: number): Promise<void> {
    held = await makeMembers(bootstrap, count)
  },
  async crowdRun(opts: MemberRunOptions): Promise<MemberTimes> {
    const nodes = held
    held = []
    try {
      return await runMembers(nodes, opts)
    } finally {
      await Promise.all(nodes.map((n) => n.close()))
    }
  },
}

/** `count` members in `processes` worker processes (sizes differ by at most one). */
export async function linkupCrowdInProcesses(
  spawn: () => Worker,
  bootstrap: Bootstrap,
  count: number,
  processes: number,
  limitMs: number,
): Promise<CrowdRun> {
  const sizes = Array.from(
    { length: processes },
    (_, p) => Math.floor(count / processes) + (p < count % processes ? 1 : 0),
  )
  const firsts = sizes.map((_, p) => sizes.slice(0, p).reduce((a, b) => a + b, 0))
  const workers = sizes.map(() => spawn())
  try {
    await Promise.all(workers.map((w, p) => w.call('crowdMake', bootstrap, sizes[p])))
    const room = randomBytes(32).toString('hex')
    const startAt = sharedClockMs() + START_LEAD_MS
    const parts = await Promise.all(
      workers.map((w, p) =>
        w.call<MemberTimes>('crowdRun', {
          room,
          first: firsts[p],
          total: count,
          startAt,
          limitMs,
        } satisfies MemberRunOptions),
      ),
    )
    return mergeMembers(parts, limitMs)
  } finally {
    await Promise.all(workers.map((w) => w.close()))
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

/** The crowd's two rows; `label` names it ("32 join at once" for the one-process crowd). */
export function crowdRows(l: CrowdRun, b: CrowdRun, label = `${l.size} join at once`): Result[] {
  const peer = slowest(l.firstPeerMs)
  const bare = slowest(b.firstPeerMs)
  const msg = slowest(l.allReachedMs)
  const deg = summarize(l.degrees)
  const arrived = l.allReachedMs.filter((t): t is number => t !== null)
  const joined = summarize(l.joinedMs)
  const where =
    (l.processes ?? 1) > 1
      ? `${l.size} engines in ${l.processes} processes, times on one clock from the common start (the last process began ${Math.max(0, l.lateStartMs ?? 0).toFixed(0)} ms after it); `
      : ''
  const cpu =
    l.cpuMs === undefined
      ? ''
      : `; ${(l.cpuMs / 1000).toFixed(1)} s of CPU in all from the start to the end of the watch`
  const mesh = `${where}joinRoom returned after p50 ${joined.p50.toFixed(0)} ms, max ${joined.max.toFixed(0)} ms; peers per member at the end: min ${Math.min(...l.degrees)} / median ${deg.p50} / max ${deg.max}${cpu}`
  return [
    result({
      name: `${label}: every member has a peer`,
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
      name: `${label}: each one's message reaches all ${l.size}`,
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

import type { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { text200 } from './context'
import { makeNode } from './engines'
import { sleep, type Bootstrap } from './net'

// The members of a crowd (lib/crowd.ts), wherever they run: one process holding all of
// them, or several processes holding some each. Every process times its own engines on
// one clock shared by all processes, from a start time the parent picks; the parent then
// merges what each process saw into one CrowdRun.

/**
 * ms on a clock every process on the machine shares: process.hrtime is CLOCK_MONOTONIC on
 * Linux, system-wide (ns since boot stay below 2^53, so the Number is exact to the ns).
 */
export const sharedClockMs = (): number => Number(process.hrtime.bigint()) / 1e6

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
  /** How many processes the members ran in (1: all in one). */
  processes?: number
  /** How late the last process began joining after the common start, ms. */
  lateStartMs?: number
  /** CPU time (main thread and thread pool) all the processes spent from the start to the end, ms. */
  cpuMs?: number
}

/** What one process saw of its own members; indices are the members' places in the crowd. */
export interface MemberTimes {
  index: number[]
  firstPeerMs: Array<number | null>
  joinedMs: number[]
  /** Per member: ms from the start at which it had each other member's message, by sender index. */
  gotMs: Array<Record<number, number>>
  degrees: number[]
  /** ms after the start at which this process began joining (> 0: its start signal was late). */
  lateStartMs: number
  /** CPU time this process spent from its start to the end of the watch, ms. */
  cpuMs: number
}

export interface MemberRunOptions {
  room: string
  /** Crowd index of the first engine here; its message is text200(first). */
  first: number
  /** Members in the whole crowd, in every process. */
  total: number
  /** sharedClockMs() at which every process joins. */
  startAt: number
  limitMs: number
}

/** Engines made one after another, each DHT fully bootstrapped before anyone joins. */
export async function makeMembers(bootstrap: Bootstrap, count: number): Promise<LinkupNode[]> {
  const nodes: LinkupNode[] = []
  try {
    for (let i = 0; i < count; i++) nodes.push(await makeNode(bootstrap))
    await Promise.all(nodes.map((n) => n.swarm.dht.fullyBootstrapped()))
    return nodes
  } catch (err) {
    await Promise.all(nodes.map((n) => n.close()))
    throw err
  }
}

/**
 * At `startAt` every engine here calls joinRoom and sends its message as that returns;
 * watched until each has a peer and every member's message, or until the limit.
 */
export async function runMembers(nodes: LinkupNode[], o: MemberRunOptions): Promise<MemberTimes> {
  const senderOf = new Map<string, number>()
  for (let s = 0; s < o.total; s++) senderOf.set(text200(s), s)
  const index = nodes.map((_, i) => o.first + i)
  const firstPeerMs: Array<number | null> = nodes.map(() => null)
  const joinedMs = nodes.map(() => NaN)
  const gotMs: Array<Record<number, number>> = nodes.map(() => ({}))
  const got = nodes.map(() => 0)
  const since = () => sharedClockMs() - o.startAt
  let done: () => void
  const finished = new Promise<void>((resolve) => (done = resolve))
  const complete = () => firstPeerMs.every((t) => t !== null) && got.every((n) => n === o.total - 1)
  nodes.forEach((node, i) => {
    node.on('peer:connected', () => {
      if (firstPeerMs[i] === null && since() <= o.limitMs) firstPeerMs[i] = since()
      if (complete()) done()
    })
    node.on('entry:added', (e: TimelineEntry) => {
      const s = e.text === undefined ? undefined : senderOf.get(e.text)
      if (s === undefined || s === index[i] || gotMs[i][s] !== undefined) return
      // The watch may outlast the limit (it waits for every send to return): late ones miss.
      if (since() > o.limitMs) return
      gotMs[i][s] = since()
      got[i]++
      if (complete()) done()
    })
  })
  await sleep(Math.max(0, -since()))
  const lateStartMs = since()
  const cpu0 = process.cpuUsage()
  await Promise.all(
    nodes.map(async (node, i) => {
      await node.joinRoom(o.room)
      joinedMs[i] = since()
      await node.send(o.room, text200(index[i]))
    }),
  )
  await Promise.race([finished, sleep(Math.max(0, o.limitMs - since()))])
  const cpu = process.cpuUsage(cpu0)
  return {
    index,
    firstPeerMs,
    joinedMs,
    gotMs,
    degrees: nodes.map((n) => n.peers(o.room).length),
    lateStartMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }
}

/** One crowd from its processes' parts: a message has reached all once the last member had it. */
export function mergeMembers(parts: MemberTimes[], limitMs: number): CrowdRun {
  const size = parts.reduce((n, p) => n + p.index.length, 0)
  const firstPeerMs: Array<number | null> = new Array(size).fill(null)
  const joinedMs: number[] = new Array(size).fill(NaN)
  const degrees: number[] = new Array(size).fill(0)
  const gotMs: Array<Record<number, number>> = new Array(size).fill({})
  for (const p of parts)
    p.index.forEach((m, i) => {
      firstPeerMs[m] = p.firstPeerMs[i]
      joinedMs[m] = p.joinedMs[i]
      degrees[m] = p.degrees[i]
      gotMs[m] = p.gotMs[i]
    })
  const allReachedMs = Array.from({ length: size }, (_, s) => {
    let last = 0
    for (let m = 0; m < size; m++) {
      if (m === s) continue
      const t = gotMs[m][s]
      if (t === undefined) return null
      last = Math.max(last, t)
    }
    return last
  })
  return {
    size,
    firstPeerMs,
    allReachedMs,
    joinedMs,
    degrees,
    limitMs,
    processes: parts.length,
    lateStartMs: Math.max(...parts.map((p) => p.lateStartMs)),
    cpuMs: parts.reduce((n, p) => n + p.cpuMs, 0),
  }
}

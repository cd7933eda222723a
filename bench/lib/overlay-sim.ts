import FlatQueue from 'flatqueue'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator'

// A discrete-event model of one room's overlay: members, their bounded mesh, churn, and a
// message spreading hop by hop the way hypercore replication carries it (a member that gets
// a block announces it on every connection; a peer without it requests it from the first
// one that announced and gets block and proof back). Time is in ms of simulated time. Every
// random choice comes from one seeded generator, so a seed gives the same run every time.
// The latencies and byte counts it is fed are measured on the real engine (bench/overlay.ts).

export interface MeshRules {
  /** A member dials random members until it holds this many connections. */
  dialTarget: number
  /** It accepts inbound connections while it holds fewer than this. */
  cap: number
  /** A peer that vanished without closing is noticed after this long (keep-alive timeout). */
  detectMs: number
  /** A dial round that found nobody with room is tried again after this long. */
  retryMs: number
  /** Members asked per dial round before giving up until the retry. */
  triesPerRound: number
  /**
   * A full member takes a dial anyway by dropping one of its peers that holds more than
   * dialTarget connections (so the dropped one need not dial again). Without it, members
   * that join one after another can only reach the few newest members with room left, and
   * the mesh grows into a long band (see docs/BENCHMARKS.md, "Room overlay model").
   */
  evictAtCap: boolean
}

export const DEFAULT_RULES: MeshRules = {
  dialTarget: 6,
  cap: 8,
  detectMs: 15_000,
  retryMs: 1_000,
  triesPerRound: 16,
  evictAtCap: false,
}

/** What one hop and one connection cost, measured on the real engine. */
export interface Costs {
  /** send() on the author to arrival at a directly connected member, ms samples. */
  firstHopMs: number[]
  /** Arrival at a member to arrival at that member's peer (a relay), ms samples. */
  relayHopMs: number[]
  /** From dialling a member to an open room channel, ms samples. */
  connectMs: number[]
  /** Bytes per message on a connection the block crossed: sent by the side that had it… */
  dataSendBytes: number
  /** …and by the side that fetched it (requests, acknowledgements, its own announce). */
  dataReplyBytes: number
  /** Bytes per message each side sends on a connection the block did not cross. */
  announceBytes: number
}

export interface Message {
  source: number
  sentAt: number
  /** Arrival time per member (NaN: not yet), hop count and the member it came from. */
  at: Float64Array
  hops: Int16Array
  via: Int32Array
  /** Bytes each member sent for this message. */
  bytes: Float64Array
}

export class OverlaySim {
  now = 0
  readonly adj: Array<Set<number>> = []
  readonly alive: boolean[] = []
  readonly joinedAt: number[] = []
  /** Connections opened so far (each costs a sync of every core the room has). */
  connections = 0
  readonly messages: Message[] = []
  private readonly dialing: number[] = []
  private readonly online: number[] = []
  private readonly slot: number[] = []
  private readonly queue = new FlatQueue<() => void>()
  private readonly rng: RandomGenerator
  /** Messages whose catch-up over new connections is still modelled. */
  private active: Message[] = []
  private capacity: number

  constructor(
    readonly rules: MeshRules,
    readonly costs: Costs,
    seed: number,
    capacity = 1024,
  ) {
    this.rng = xoroshiro128plus(seed)
    this.capacity = capacity
  }

  get size(): number {
    return this.alive.length
  }

  onlineMembers(): readonly number[] {
    return this.online
  }

  random(): number {
    return uniformFloat64(this.rng)
  }

  pick<T>(list: readonly T[]): T {
    return list[uniformInt(this.rng, 0, list.length - 1)]
  }

  at(t: number, fn: () => void): void {
    this.queue.push(fn, t)
  }

  runUntil(t: number): void {
    while (this.queue.length && this.queue.peekValue()! <= t) {
      this.now = this.queue.peekValue()!
      this.queue.pop()!()
    }
    this.now = t
  }

  /** A member comes online now. `dial` false: it waits for others (hand-built graphs). */
  add(dial = true): number {
    const id = this.alive.length
    this.alive.push(true)
    this.adj.push(new Set())
    this.dialing.push(0)
    this.joinedAt.push(this.now)
    this.slot[id] = this.online.length
    this.online.push(id)
    for (const m of this.messages) this.grow(m)
    if (dial) this.maintain(id)
    return id
  }

  /** Leaves without a goodbye: its peers notice only after rules.detectMs. */
  leave(id: number): void {
    if (!this.alive[id]) return
    this.alive[id] = false
    const last = this.online.pop()!
    if (last !== id) {
      this.online[this.slot[id]] = last
      this.slot[last] = this.slot[id]
    }
    for (const peer of this.adj[id]) {
      this.at(this.now + this.rules.detectMs, () => {
        this.adj[peer].delete(id)
        this.adj[id].delete(peer)
        this.maintain(peer)
      })
    }
  }

  /** Opens a connection now, if both ends are online and have room. */
  connect(a: number, b: number): boolean {
    if (a === b || !this.alive[a] || !this.alive[b] || this.adj[a].has(b)) return false
    if (this.adj[a].size >= this.rules.cap || this.adj[b].size >= this.rules.cap) return false
    this.adj[a].add(b)
    this.adj[b].add(a)
    this.connections++
    // A new connection syncs the room: whatever one side has, the other fetches.
    for (const m of this.active) {
      const [has, lacks] = Number.isNaN(m.at[a]) ? [b, a] : [a, b]
      if (!Number.isNaN(m.at[has]) && Number.isNaN(m.at[lacks]))
        this.schedule(m, lacks, has, this.now + this.pick(this.costs.relayHopMs))
    }
    return true
  }

  /** Dials random online members until the member holds rules.dialTarget connections. */
  maintain(id: number): void {
    if (!this.alive[id]) return
    let want = this.rules.dialTarget - this.adj[id].size - this.dialing[id]
    let tries = 0
    while (want > 0 && tries++ < this.rules.triesPerRound && this.online.length > 1) {
      const peer = this.pick(this.online)
      if (peer === id || this.adj[id].has(peer)) continue
      if (this.adj[peer].size >= this.rules.cap && !this.makeRoom(peer)) continue
      want--
      this.dialing[id]++
      this.at(this.now + this.pick(this.costs.connectMs), () => {
        this.dialing[id]--
        if (!this.offer(id, peer)) this.maintain(id)
      })
    }
    if (want > 0) this.at(this.now + this.rules.retryMs, () => this.maintain(id))
  }

  /** Dials `peer` and connects at once if it has room or makes some (rules.evictAtCap). */
  offer(id: number, peer: number): boolean {
    if (id === peer || !this.alive[peer] || this.adj[id].has(peer)) return false
    if (this.adj[peer].size >= this.rules.cap && !this.makeRoom(peer)) return false
    return this.connect(id, peer)
  }

  /** A full member drops a random peer that can spare the connection; false if none can. */
  private makeRoom(id: number): boolean {
    if (!this.rules.evictAtCap) return false
    const spare = [...this.adj[id]].filter((p) => this.adj[p].size > this.rules.dialTarget)
    if (!spare.length) return false
    const drop = this.pick(spare)
    this.adj[id].delete(drop)
    this.adj[drop].delete(id)
    return true
  }

  /** The member appends a message now; it spreads from here. */
  send(source: number, trackForMs = Infinity): Message {
    const n = Math.max(this.capacity, this.size)
    const m: Message = {
      source,
      sentAt: this.now,
      at: new Float64Array(n).fill(NaN),
      hops: new Int16Array(n).fill(-1),
      via: new Int32Array(n).fill(-1),
      bytes: new Float64Array(n),
    }
    this.messages.push(m)
    this.active.push(m)
    if (Number.isFinite(trackForMs))
      this.at(this.now + trackForMs, () => (this.active = this.active.filter((x) => x !== m)))
    m.at[source] = this.now
    m.hops[source] = 0
    m.bytes[source] += this.costs.announceBytes * this.adj[source].size
    for (const peer of this.adj[source])
      this.schedule(m, peer, source, this.now + this.pick(this.costs.firstHopMs))
    return m
  }

  /**
   * Every announcer's offer is queued, not only the earliest: if that one has left by the
   * time its block would arrive, the member gets it from the next (hypercore asks another).
   */
  private schedule(m: Message, to: number, from: number, t: number): void {
    this.at(t, () => this.arrive(m, to, from))
  }

  private arrive(m: Message, id: number, from: number): void {
    // The announcer must still be there to serve the request, and the fetcher to make it.
    if (!Number.isNaN(m.at[id]) || !this.alive[id] || !this.alive[from]) return
    if (!this.adj[id].has(from)) return
    m.at[id] = this.now
    m.hops[id] = m.hops[from] + 1
    m.via[id] = from
    m.bytes[from] += this.costs.dataSendBytes - this.costs.announceBytes
    m.bytes[id] += this.costs.dataReplyBytes + this.costs.announceBytes * (this.adj[id].size - 1)
    for (const peer of this.adj[id])
      if (peer !== from && Number.isNaN(m.at[peer]))
        this.schedule(m, peer, id, this.now + this.pick(this.costs.relayHopMs))
  }

  /** Typed arrays are sized up front; members added later widen them. */
  private grow(m: Message): void {
    if (m.at.length >= this.size) return
    const n = m.at.length * 2
    const widen = <T extends Float64Array | Int16Array | Int32Array>(a: T, fill: number): T => {
      const b = new (a.constructor as any)(n).fill(fill) as T
      b.set(a as any)
      return b
    }
    m.at = widen(m.at, NaN)
    m.hops = widen(m.hops, -1)
    m.via = widen(m.via, -1)
    m.bytes = widen(m.bytes, 0)
  }
}

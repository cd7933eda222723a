import b4a from 'b4a'
import Protomux from 'protomux'
import { MAX_WRITERS_PER_ROOM } from '../../shared/limits'
import { heldCount } from '../held'
import { MAX_HAVES_PER_FRAME } from './channel'
import { lengthAfter, type ReceivedPush } from './block-push'
import { PUSH_WINDOW, Pushes } from './pushes'
import { attachCore, detachCore } from './scope'

// Which of a room's cores replicate on which of its links. Attaching every writer core on
// every link costs one hypercore replication session per core per link, each opened,
// synced and answered: a crowd of 32 opened ~5,600 at once on one event loop, and that,
// not the mesh, is what made its messages take seconds. Instead:
// - a writer's newest blocks (PUSH_WINDOW) are pushed with their proofs over the room
//   channel (pushes.ts, block-push.ts) to each neighbour that lacks them, our own as we
//   append them and others' as they arrive, before the haves that would make that
//   neighbour fetch them: a message's hops need no session at all;
// - eager cores (other members' drives we opened) are attached on every link, so a file
//   we want is asked of everyone;
// - every other core of the room, writers and our own drive, is only *paired* on each link
//   (a protomux map entry, no session): when the neighbour opens a session for it, we
//   answer (a member opens our drive when it reads one of our file entries);
// - neighbours tell each other how long each writer's core is and how many of its blocks
//   they hold (the `haves` frame of the room channel, channel.ts); we attach a core on a
//   link when that neighbour knows a longer core or holds more of it than we do (a backlog,
//   or a block too big to push), one link at a time: another is tried only if the first
//   has not brought us up to date within STALL_MS. Not while a push of it is being applied.
// An attached core stays attached on that link until the link closes: hypercore passes
// on its new blocks there, and neither haves nor pushes are sent for it on that link.
// When the link closes its sessions end with it, though the socket may stay for other
// rooms: a member blocked here, or a link the mesh let go, gets nothing more of this room
// over it. Room isolation holds as before: a core is paired, attached or pushed only on
// the channels of its own room (the caller claims it in CoreScopes first).

/** How long a link we attached a core on may take to bring us its blocks before we try another. */
export const STALL_MS = 1000
/**
 * A neighbour at most PUSH_WINDOW blocks ahead of us is pushing them (its haves and its
 * pushes leave together, and the haves often land first): a session for that gap waits
 * this long for the pushes, rather than being set up beside them for nothing.
 */
const PUSH_GRACE_MS = 500
/** Pushed blocks being applied at once from one link; more are dropped (they come again by session). */
export const MAX_PUSHES_IN_FLIGHT = 64

/** A writer, the length we know it has (signed), and how many of its blocks we hold. */
export type Have = [key: string, length: number, held: number]
interface Holding {
  length: number
  held: number
}

/** A room link: the room channel of one connection, open and not refused. */
export interface Link {
  readonly conn: any
  /** The neighbour's own writer key: its core is always attached on the link to its author. */
  readonly writer: string
  sendHaves(haves: Have[]): void
  sendBlock(frame: Buffer): void
}

interface Entry {
  core: any
  eager: boolean
  /** When we last attached this core on a link because we were behind (ms). */
  fetchedAt: number
  /** Until when a small gap waits for pushes (ms), 0 while none is waited for. */
  graceUntil?: number
  timer: NodeJS.Timeout | null
}

export class CoreLinks {
  private readonly cores = new Map<string, Entry>()
  private readonly links = new Map<any, Link>()
  /** Per link, what the neighbour said it holds of each writer (bounded per link). */
  private readonly remote = new Map<any, Map<string, Holding>>()
  /** Per link, what we last told it we hold, so an unchanged figure is not sent again. */
  private readonly told = new Map<any, Map<string, Holding>>()
  private readonly attached = new WeakMap<any, Set<any>>()
  private readonly grown = new Set<string>()
  private readonly pushes = new Pushes()
  /** Pushed blocks being applied, per writer and per link. */
  private readonly incoming = new Map<string, number>()
  private readonly incomingByLink = new Map<any, number>()
  private flushing = false
  private closed = false

  /** `announce(key)`: whether we may tell neighbours about this writer (one we vouch for). */
  constructor(private readonly announce: (key: string) => boolean) {}

  /** A core of this room: eager ones are attached on every link, others paired. */
  add(core: any, eager: boolean): void {
    const key = b4a.toString(core.key, 'hex')
    if (this.closed || this.cores.has(key)) return
    this.cores.set(key, { core, eager, fetchedAt: 0, timer: null })
    for (const link of this.links.values()) this.offer(core, eager, link.conn)
    if (!eager) this.fetch(key)
  }

  remove(key: string): void {
    const entry = this.cores.get(key)
    if (!entry) return
    this.cores.delete(key)
    if (entry.timer) clearTimeout(entry.timer)
    for (const conn of this.links.keys()) {
      detachCore(entry.core, conn, this.attached)
      if (!conn.destroyed) Protomux.from(conn).unpair(hypercorePair(entry.core))
    }
  }

  /** A link opened: pair or attach every core, and tell the neighbour what we hold. */
  open(link: Link): void {
    if (this.closed || this.links.has(link.conn)) return
    this.links.set(link.conn, link)
    this.remote.set(link.conn, new Map())
    this.told.set(link.conn, new Map())
    this.pushes.open(link.conn)
    for (const { core, eager } of this.cores.values()) this.offer(core, eager, link.conn)
    this.pushThenHaves(link, [...this.cores.keys()])
  }

  close(link: Link): void {
    if (this.links.get(link.conn) !== link) return
    this.links.delete(link.conn)
    this.remote.delete(link.conn)
    this.told.delete(link.conn)
    this.pushes.close(link.conn)
    // The socket may stay (other rooms use it): nothing of this room goes on over it.
    for (const { core } of this.cores.values()) {
      detachCore(core, link.conn, this.attached)
      if (!link.conn.destroyed) Protomux.from(link.conn).unpair(hypercorePair(core))
    }
    // A core we were fetching over this link looks for another source at once.
    for (const [key, entry] of this.cores) if (!entry.eager) this.fetch(key, true)
  }

  /** Our copy of a core grew (an append, a download) or became announceable: tell the links. */
  grew(key: string): void {
    if (this.closed || !this.cores.has(key)) return
    this.grown.add(key)
    if (this.flushing) return
    this.flushing = true
    // Coalesced: a burst of downloads is one frame per link.
    setImmediate(() => {
      this.flushing = false
      const keys = [...this.grown]
      this.grown.clear()
      if (this.closed) return
      for (const link of this.links.values()) this.pushThenHaves(link, keys)
      // What we now hold may still be behind a neighbour: keep fetching.
      for (const k of keys) this.fetch(k)
    })
  }

  /** A neighbour's haves frame (already schema-checked): remembered, and fetched from where we are behind. */
  received(link: Link, haves: Have[]): void {
    const remote = this.remote.get(link.conn)
    if (!remote || this.links.get(link.conn) !== link) return
    for (const [key, length, count] of haves) {
      // Keys we do not follow are kept too (the writers frame that names them may be on its
      // way), but never more than a room has writers: a peer cannot grow this map.
      if (!remote.has(key) && remote.size >= MAX_WRITERS_PER_ROOM && !this.cores.has(key)) continue
      const was = remote.get(key)
      remote.set(key, {
        length: Math.max(length, was?.length ?? 0),
        held: Math.max(count, was?.held ?? 0),
      })
      this.pushes.told(link.conn, key, length)
      this.pushTo(link, key)
      this.fetch(key)
    }
  }

  /**
   * A pushed block of `key` arrived on `conn` and is about to be applied: false if that link
   * has too many in flight (it is dropped). Until pushDone, the core is not fetched by session.
   */
  pushStarted(conn: any, key: string): boolean {
    const n = this.incomingByLink.get(conn) ?? 0
    if (n >= MAX_PUSHES_IN_FLIGHT || this.closed) return false
    this.incomingByLink.set(conn, n + 1)
    this.incoming.set(key, (this.incoming.get(key) ?? 0) + 1)
    return true
  }

  /** A pushed block was applied (`index`: the neighbour has it; `frame`: ours to pass on), or dropped (null). */
  pushDone(conn: any, key: string, index: number | null, frame?: ReceivedPush): void {
    const n = (this.incomingByLink.get(conn) ?? 1) - 1
    if (n > 0) this.incomingByLink.set(conn, n)
    else this.incomingByLink.delete(conn)
    const m = (this.incoming.get(key) ?? 1) - 1
    if (m > 0) this.incoming.set(key, m)
    else this.incoming.delete(key)
    if (index !== null) this.pushes.has(conn, key, index)
    if (index !== null && frame)
      this.pushes.keep(key, index, frame.assumed, { frame: frame.raw, length: lengthAfter(frame) })
    this.fetch(key)
  }

  /** Whether a core is attached on a connection (a replication session is, or was, opened). */
  isAttached(key: string, conn: any): boolean {
    return !!this.attached.get(conn)?.has(key)
  }

  /** Whether a replication session carries the core on any of the room's links. */
  attachedAnywhere(key: string): boolean {
    for (const conn of this.links.keys()) if (this.isAttached(key, conn)) return true
    return false
  }

  destroy(): void {
    this.closed = true
    for (const entry of this.cores.values()) if (entry.timer) clearTimeout(entry.timer)
    this.cores.clear()
    this.links.clear()
    this.remote.clear()
    this.told.clear()
    this.pushes.destroy()
  }

  private offer(core: any, eager: boolean, conn: any): void {
    if (eager) {
      attachCore(core, conn, this.attached)
      return
    }
    if (conn.destroyed) return
    // The neighbour opening a session for this core is answered by attaching it here. The
    // wait lets hypercore's channel take the incoming open before protomux decides to
    // reject it (it does so once this returns and nobody took it).
    Protomux.from(conn).pair(hypercorePair(core), () => {
      const key = b4a.toString(core.key, 'hex')
      if (this.closed || this.cores.get(key)?.core !== core || !this.links.has(conn)) return
      attachCore(core, conn, this.attached)
      return new Promise<void>((resolve) => setImmediate(resolve))
    })
  }

  /** What to tell a link about a core, if anything: not on a link where it is attached. */
  private haveOf(key: string, conn: any): Have | null {
    const entry = this.cores.get(key)
    const told = this.told.get(conn)
    if (!entry || !told || !this.announce(key) || this.isAttached(key, conn)) return null
    const now = holding(entry.core)
    const was = told.get(key)
    if (now.length === 0 || (was && was.length >= now.length && was.held >= now.held)) return null
    told.set(key, now)
    return [key, now.length, now.held]
  }

  /** Pushes the newest blocks of these cores that the link lacks, then tells it what we hold. */
  private pushThenHaves(link: Link, keys: string[]): void {
    Promise.all(keys.map((key) => this.pushTo(link, key))).then(() => {
      if (this.closed || this.links.get(link.conn) !== link) return
      const haves: Have[] = []
      for (const key of keys) {
        const have = this.haveOf(key, link.conn)
        if (have) haves.push(have)
      }
      this.send(link, haves)
    })
  }

  private async pushTo(link: Link, key: string): Promise<void> {
    const entry = this.cores.get(key)
    if (!entry || this.closed || !this.announce(key) || entry.core.closing) return
    // Where a session carries the core, it passes on the new blocks itself.
    if (this.isAttached(key, link.conn)) return
    const theirs = this.remote.get(link.conn)?.get(key)
    const ours = holding(entry.core)
    await this.pushes
      .push(
        { conn: link.conn, sendBlock: (f) => link.sendBlock(f) },
        entry.core,
        theirs?.held ?? 0,
        ours.held,
      )
      .catch(() => {})
  }

  private send(link: Link, haves: Have[]): void {
    for (let i = 0; i < haves.length; i += MAX_HAVES_PER_FRAME)
      link.sendHaves(haves.slice(i, i + MAX_HAVES_PER_FRAME))
  }

  /**
   * Attaches a core on the link that holds the most of it, if we are behind that link and
   * have not just attached it elsewhere for the same reason (then look again after STALL_MS).
   */
  private fetch(key: string, now = false): void {
    const entry = this.cores.get(key)
    if (!entry || entry.eager || this.closed || entry.core.closing) return
    // A push of it is being applied: looked at again once it is (pushDone).
    if (this.incoming.has(key)) return
    // Behind a link that knows a longer core (we learn the length from it, so a gap shows)
    // or holds more of its blocks; the one holding the most is asked first.
    const mine = holding(entry.core)
    let best: any = null
    let most = -1
    for (const [conn, remote] of this.remote) {
      const r = remote.get(key)
      if (!r || (r.length <= mine.length && r.held <= mine.held)) continue
      if (r.held > most && !this.isAttached(key, conn) && !conn.destroyed) {
        best = conn
        most = r.held
      }
    }
    if (best === null) {
      entry.graceUntil = 0
      return
    }
    const ahead = this.remote.get(best)!.get(key)!
    const small = ahead.length - mine.length <= PUSH_WINDOW && ahead.held - mine.held <= PUSH_WINDOW
    if (!now && small) {
      const at = Date.now()
      if (!entry.graceUntil) entry.graceUntil = at + PUSH_GRACE_MS
      if (at < entry.graceUntil) {
        entry.timer ??= setTimeout(() => {
          entry.timer = null
          this.fetch(key)
        }, entry.graceUntil - at)
        entry.timer.unref?.()
        return
      }
    }
    const wait = entry.fetchedAt + STALL_MS - Date.now()
    if (wait > 0 && !now) {
      entry.timer ??= setTimeout(() => {
        entry.timer = null
        this.fetch(key)
      }, wait)
      entry.timer.unref?.()
      return
    }
    entry.fetchedAt = Date.now()
    attachCore(entry.core, best, this.attached)
    if (!entry.timer) {
      entry.timer = setTimeout(() => {
        entry.timer = null
        this.fetch(key)
      }, STALL_MS)
      entry.timer.unref?.()
    }
  }
}

function hypercorePair(core: any): { protocol: string; id: Buffer } {
  return { protocol: 'hypercore/alpha', id: core.discoveryKey }
}

/** The length we know a core has, and how many of its blocks are on disk here. */
function holding(core: any): Holding {
  return { length: core.length ?? 0, held: heldCount(core) ?? core.contiguousLength ?? 0 }
}

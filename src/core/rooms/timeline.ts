import { EventEmitter } from 'node:events'
import b4a from 'b4a'
import { lowerBoundByOrder } from '../../shared/order'
import { decodeBlock, entryId, orderKey, parseEntryId, type Entry } from '../../shared/entries'
import type { FileRef, TimelineEntry } from '../../shared/types'
import type { HybridClock } from './clock'
import { hlcTime } from './clock'
import { heldMap, readLocalBlocks, readLocalBlocksAt } from './blocks'
import { WriterClocks } from './clock-rules'
import {
  MAX_CLOCK_AHEAD_MS,
  MAX_FUTURE_BLOCKS_PER_WRITER,
  MAX_PENDING_CHANGES,
  TIMELINE_WINDOW_KEEP,
  TIMELINE_WINDOW_MAX,
} from '../../shared/limits'
import { entrySeq } from './marks'

// The merged timeline of one room. Each writer core is sorted by its writer's clock,
// so the room's newest entries are the merge of every core's tail: the timeline loads
// from the top down and only as far as someone scrolls, and a node with 100,000 stored
// messages shows the newest page after reading a few blocks. Entries above `floor` are
// loaded; every entry not loaded sorts below it. Memory is a window, not the room: past
// window.max entries the oldest are dropped as new ones come in (the floor moves up), and
// while the reader is scrolled far back the newest are dropped (entries at or above
// `ceiling` are passed on live but not held); the cores are the index they are read from
// again. So a room of 1,000,000 messages costs what a window of them does.

const READ_CHUNK_BLOCKS = 32
/** Blocks read forward per turn of the lock (a full block holds 256 entries). */
const FORWARD_CHUNK_BLOCKS = 64
/** Own blocks kept in memory between their append and their first read. */
const MAX_APPENDED_BLOCKS = 1024
/** What is read again when the reader comes back to the newest entries. */
const NEWEST_PAGE = 50
const ALL_LOADED = ''
const NOTHING_LOADED = '\uffff'

export interface Writer {
  key: string
  core: any
  own: boolean
  name: string
  avatar: FileRef | null
  /** h of the profile entry `avatar` came from: a newer one wins. */
  profileH: number
  /** Its profile says it is a bot. */
  bot?: boolean
  /** Seq of the block whose header gave `name`. */
  nameSeq: number
  /** Blocks [low, high) are read; blocks below low are not. */
  low: number
  high: number
  /** Read, but below the floor: ascending by order. */
  pending: TimelineEntry[]
  /** Blocks in [low, high) that were not on disk when read; filled as they download. */
  holes: Set<number>
  arrived: number[]
  /** Drives this writer moved its files from and to ('moved' entries), at most MAX_MOVES. */
  moves: Map<string, string>
  /** Whether its clock values increase along the core, and what is dated in the future. */
  clocks: WriterClocks
  /** Blocks holding entries from the future, by the wall ms at which they are due. */
  future: Map<number, number>
  /** A valid entry of it has been read: only then is it listed as a member. */
  seen: boolean
  /**
   * Its length when this node first learned it: blocks below were history already; a block
   * at or above that dated more than LATE_MS before it arrives is marked "arrived late".
   */
  backlog: number
  /** The earliest clock value of a valid entry of it read here: who has been around longer. */
  since: number
  /** Over a quota: its new blocks are not fetched until the member resumes them. */
  paused?: 'messages' | 'bytes' | null
}

const MAX_MOVES = 8
/** An entry that reaches us more than this after its own date is marked "arrived late". */
const LATE_MS = 24 * 60 * 60 * 1000
/** setTimeout's largest delay; a later due time is simply looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1

type Overlay = { text?: string; h: number; deleted?: boolean }

export interface TimelineStats {
  invalidEntries: number
}

/** How the timeline reads blocks that are on disk (null where a block is not held). */
export interface BlockReader {
  range(core: any, start: number, end: number): Promise<Array<Buffer | null>>
  at(core: any, seqs: number[]): Promise<Array<Buffer | null>>
}

const LOCAL_READS: BlockReader = { range: readLocalBlocks, at: readLocalBlocksAt }

export class Timeline extends EventEmitter {
  readonly writers = new Map<string, Writer>()
  /** Loaded entries, ascending by order. */
  readonly loaded: TimelineEntry[] = []
  private floor = NOTHING_LOADED
  /** Entries at or above this are not held: the reader is scrolled far back. */
  private ceiling = NOTHING_LOADED
  /**
   * The lowest the floor has been: the reader has been given everything above it, so an
   * entry that arrives above it is passed on live even where the window no longer holds
   * it (or the reader would have a gap it cannot page into). Only goes down.
   */
  private emitFloor = NOTHING_LOADED
  private readonly byId = new Map<string, TimelineEntry>()
  private readonly overlay = new Map<string, Overlay>()
  private lock: Promise<unknown> = Promise.resolve()
  /** Own blocks being appended, by seq: read from here rather than back from disk. */
  private readonly appended = new Map<number, Buffer>()
  private futureTimer: NodeJS.Timeout | null = null
  private closed = false
  private ownKey = ''

  constructor(
    readonly room: string,
    private readonly clock: HybridClock,
    private readonly stats: TimelineStats,
    private readonly reads: BlockReader = LOCAL_READS,
    /** When this node joined the room (ms): entries dated after it should have reached us. */
    private readonly joinedAt: () => number = () => Date.now(),
    private readonly window = { max: TIMELINE_WINDOW_MAX, keep: TIMELINE_WINDOW_KEEP },
  ) {
    super()
  }

  /** Serialises reads: appends and scroll-back both move the same cursors. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn)
    this.lock = run.catch(() => {})
    return run
  }

  addWriter(core: any, own: boolean, name = ''): Promise<Writer> {
    return this.exclusive(async () => {
      const key = b4a.toString(core.key, 'hex')
      const existing = this.writers.get(key)
      if (existing) return existing
      const top = core.length
      const w: Writer = {
        key,
        core,
        own,
        name,
        avatar: null,
        profileH: -1,
        nameSeq: -1,
        low: top,
        high: top,
        pending: [],
        holes: new Set(),
        arrived: [],
        moves: new Map(),
        clocks: new WriterClocks(),
        future: new Map(),
        seen: own,
        since: Number.MAX_SAFE_INTEGER,
        backlog: own || top > 0 ? top : Infinity,
      }
      this.writers.set(key, w)
      if (own) this.ownKey = key
      if (top > 0) await this.readHeader(w, top - 1)
      // Joining the merge can put some of its entries above the floor.
      if (this.floor !== NOTHING_LOADED && top > 0) await this.pullAboveFloor(w)
      return w
    })
  }

  /**
   * Whether an entry reached us more than LATE_MS after its date although we should have
   * had it sooner: it was appended after we first learned its writer, or it is dated after
   * we joined the room (so a back-dated core made before joining is caught too).
   */
  private isLate(w: Writer, seq: number, time: number): boolean {
    if (w.own || Date.now() - time <= LATE_MS) return false
    return seq >= w.backlog || time >= this.joinedAt()
  }

  /** The writer's length when we first learned it (see Writer.backlog). */
  learned(key: string, length: number): void {
    const w = this.writers.get(key)
    if (w && w.backlog === Infinity) w.backlog = length
  }

  /**
   * Forgets a writer none of whose entries was ever valid (a gossiped key that proved
   * nothing), or, `evenIfSeen`, one the member blocked (its entries read so far stay, hidden).
   */
  removeWriter(key: string, evenIfSeen = false): Promise<void> {
    return this.exclusive(async () => {
      const w = this.writers.get(key)
      if (w && !w.own && (evenIfSeen || !w.seen)) this.writers.delete(key)
    })
  }

  /** Newest block's header gives the writer's name; its profile block gives the avatar. */
  private async readHeader(w: Writer, seq: number): Promise<void> {
    const block = await w.core.get(seq, { wait: false }).catch(() => null)
    if (!block) return
    const decoded = decodeBlock(block)
    if (decoded.name && seq >= w.nameSeq) {
      w.name = decoded.name
      w.nameSeq = seq
      w.bot = decoded.bot
    }
    if (decoded.profileSeq >= 0 && decoded.profileSeq <= seq) {
      const profileBlock = await w.core.get(decoded.profileSeq, { wait: false }).catch(() => null)
      if (profileBlock) {
        for (const { entry } of decodeBlock(profileBlock).entries) this.applyProfile(w, entry)
      }
    }
  }

  private async pullAboveFloor(w: Writer): Promise<void> {
    while (w.low > 0) {
      await this.readBackward(w)
      while (w.pending.length && w.pending[w.pending.length - 1].order >= this.floor) {
        this.insertLoaded(w.pending.pop()!, true)
      }
      if (w.pending.length) break
    }
    if (this.emitFloor < this.floor) await this.passOnBelowFloor(w)
  }

  /**
   * A writer that joins after the window moved up: its entries between the floor and
   * what the reader was once given are passed on but not held. They are read below the
   * writer's cursor without moving it, so scrolling back reads them again as usual;
   * blocks not here yet are marked as holes and passed on when they land.
   */
  private async passOnBelowFloor(w: Writer): Promise<void> {
    for (const item of w.pending) if (item.order >= this.emitFloor) this.emit('added', item)
    let at = w.low
    while (at > 0) {
      const start = Math.max(0, at - READ_CHUNK_BLOCKS)
      const blocks = await this.readRange(w, start, at)
      let below = false
      for (let b = blocks.length - 1; b >= 0; b--) {
        if (!blocks[b]) w.holes.add(start + b)
        for (const item of this.decode(w, start + b, blocks[b])) {
          this.byId.delete(item.id)
          if (item.order >= this.emitFloor) this.emit('added', item)
          else below = true
        }
      }
      if (below) return
      at = start
    }
  }

  /**
   * A block downloaded. It is recorded whether or not it is a hole yet: a read of its
   * range may still be in flight and only mark it missing once it returns, after this
   * event. update() runs after that read (reads are exclusive) and keeps the holes.
   */
  downloaded(key: string, seq: number): void {
    const w = this.writers.get(key)
    if (w && seq < w.high + FORWARD_CHUNK_BLOCKS) w.arrived.push(seq)
  }

  /**
   * Reads blocks that arrived since last time: new messages, catch-up, and holes left
   * by blocks fetched out of order (the newest are fetched first, so a member who was
   * away sees the latest messages before the backlog has finished).
   */
  async update(key: string): Promise<void> {
    // One chunk per turn of the lock: a writer with a long backlog (or a flood) does not
    // hold every other writer's new message until all of it is read.
    for (let first = true; ; first = false) {
      const more = await this.exclusive(async () => {
        const w = this.writers.get(key)
        if (!w) return false
        if (first) await this.readArrived(w)
        if (w.high >= w.core.length) return false
        const start = w.high
        const end = Math.min(w.core.length, start + FORWARD_CHUNK_BLOCKS)
        const blocks = await this.readRange(w, start, end)
        w.high = end
        blocks.forEach((block, b) => this.placeBlock(w, start + b, block))
        return w.high < w.core.length
      })
      if (!more) return
    }
  }

  private async readArrived(w: Writer): Promise<void> {
    if (!w.arrived.length) return
    // A block can be reported more than once; each hole is filled exactly once.
    const seqs = [...new Set(w.arrived.splice(0))].filter((seq) => w.holes.has(seq))
    if (!seqs.length) return
    const blocks = await this.reads.at(w.core, seqs)
    seqs.forEach((seq, b) => blocks[b] && w.holes.has(seq) && this.placeBlock(w, seq, blocks[b]))
  }

  /**
   * Finds holes that the core holds but the timeline has not read (a download event that
   * never reached us) and reads them. The room calls it while anything is missing, so a
   * gap is either filled or reported, never silently kept.
   */
  reconcile(): Promise<number> {
    return this.exclusive(async () => {
      let found = 0
      for (const w of this.writers.values()) {
        // From the in-memory bitfield where there is one: a late reader can have tens of
        // thousands of holes, and this runs every second under the lock while any remain.
        const held = heldMap(w.core)
        for (const seq of w.holes) {
          if (held ? held(seq) : await w.core.has(seq).catch(() => false)) {
            w.arrived.push(seq)
            found++
          }
        }
        await this.readArrived(w)
      }
      return found
    })
  }

  /** Blocks known to exist in the loaded range that the timeline has not read yet. */
  missing(): { blocks: number } {
    let blocks = 0
    for (const w of this.writers.values()) blocks += w.holes.size + (w.core.length - w.high)
    return { blocks }
  }

  private placeBlock(w: Writer, seq: number, block: Buffer | null): void {
    if (!block) {
      w.holes.add(seq)
      return
    }
    w.holes.delete(seq)
    for (const item of this.decode(w, seq, block)) {
      if (item.order >= this.floor) {
        this.insertLoaded(item, true)
        continue
      }
      // Below the window, but the reader may have been given this range: pass it on.
      if (item.order >= this.emitFloor) this.emit('added', item)
      // Blocks below the cursor are read again when scrolled to; not held till then.
      if (seq >= w.low) insertSorted(w.pending, item)
      else this.byId.delete(item.id)
    }
  }

  /** Entries before `before` (an order key), newest `limit`, ascending. */
  page(before: string | undefined, limit: number): Promise<TimelineEntry[]> {
    return this.exclusive(async () => {
      const bound = before ?? NOTHING_LOADED
      // Asked for entries newer than those held: read down from the newest again.
      if (this.ceiling !== NOTHING_LOADED && bound > this.ceiling) this.reset()
      let end = lowerBoundByOrder(this.loaded, bound)
      while (end < limit && this.floor !== ALL_LOADED) {
        await this.loadOlder(limit - end)
        end = lowerBoundByOrder(this.loaded, bound)
      }
      if (this.floor < this.emitFloor) this.emitFloor = this.floor
      const start = Math.max(0, end - limit)
      const page = this.loaded.slice(start, end)
      if (this.loaded.length > this.window.max) this.keepAround(start)
      return page
    })
  }

  /** Whether the newest entries are held (the reader is not scrolled far back). */
  get atNewest(): boolean {
    return this.ceiling === NOTHING_LOADED
  }

  /** Holds the newest entries again, e.g. before an own message is sent. */
  async toNewest(): Promise<void> {
    if (!this.atNewest) await this.page(undefined, NEWEST_PAGE)
  }

  /** Shrinks the window to window.keep entries from `start` up (a page scrolled back to). */
  private keepAround(start: number): void {
    const cut = start + this.window.keep
    if (cut < this.loaded.length) {
      const gone = this.loaded.splice(cut)
      for (const item of gone) this.byId.delete(item.id)
      this.ceiling = gone[0].order
    }
    if (start > 0) this.dropOldest(start)
  }

  /**
   * Drops the `n` oldest loaded entries: the floor moves up to the oldest one kept, and
   * each writer's read cursor moves up to the newest block an entry was dropped from, so
   * scrolling back reads those blocks again rather than finding them gone. Entries of that
   * one block stay as read-but-below-the-floor; a placement in progress goes on above it.
   */
  private dropOldest(n: number): void {
    const gone = this.loaded.splice(0, n)
    if (!this.loaded.length) return this.reset()
    this.floor = this.loaded[0].order
    const below = new Map<string, TimelineEntry[]>()
    for (const item of gone) {
      const list = below.get(item.author)
      if (list) list.push(item)
      else below.set(item.author, [item])
    }
    for (const w of this.writers.values()) {
      const items = [...(below.get(w.key) ?? []), ...w.pending]
      if (!items.length) continue
      let low = w.low
      for (const item of items) low = Math.max(low, entrySeq(item))
      w.low = low
      w.pending = []
      for (const item of items) {
        if (entrySeq(item) >= low) insertSorted(w.pending, item)
        else this.byId.delete(item.id)
      }
    }
    for (const item of gone) if (!this.writers.has(item.author)) this.byId.delete(item.id)
  }

  /** Forgets every entry held; the next page reads down from the newest again. */
  private reset(): void {
    this.loaded.length = 0
    this.byId.clear()
    this.floor = NOTHING_LOADED
    this.ceiling = NOTHING_LOADED
    for (const w of this.writers.values()) {
      w.pending = []
      w.low = w.high
    }
  }

  private async loadOlder(n: number): Promise<void> {
    for (let taken = 0; taken < n; taken++) {
      await Promise.all(
        [...this.writers.values()]
          .filter((w) => !w.pending.length && w.low > 0)
          .map((w) => this.readBackward(w)),
      )
      let best: Writer | null = null
      for (const w of this.writers.values()) {
        const head = w.pending[w.pending.length - 1]
        if (head && (!best || head.order > best.pending[best.pending.length - 1].order)) best = w
      }
      if (!best) {
        // A writer whose last chunk was all holes still has older blocks: keep reading
        // down before calling everything loaded, or those blocks are never read.
        if ([...this.writers.values()].some((w) => w.low > 0)) {
          taken--
          continue
        }
        this.floor = ALL_LOADED
        return
      }
      const item = best.pending.pop()!
      this.floor = item.order < this.floor ? item.order : this.floor
      this.insertLoaded(item, false)
    }
  }

  private async readBackward(w: Writer): Promise<void> {
    const start = Math.max(0, w.low - READ_CHUNK_BLOCKS)
    const blocks = await this.readRange(w, start, w.low)
    w.low = start
    blocks.forEach((block, b) => {
      if (!block) w.holes.add(start + b)
      else for (const item of this.decode(w, start + b, block)) insertSorted(w.pending, item)
    })
  }

  /**
   * The writer hands over each own block as it appends it (null: the append failed).
   * Reading it back from disk would cost a synchronous storage read per message sent.
   */
  ownBlock(seq: number, block: Uint8Array | null): void {
    if (!block) this.appended.delete(seq)
    else this.appended.set(seq, Buffer.from(block.buffer, block.byteOffset, block.byteLength))
    // Read blocks are dropped as they are used; this only bounds a writer nobody reads.
    if (this.appended.size > MAX_APPENDED_BLOCKS) this.appended.clear()
  }

  private readRange(w: Writer, start: number, end: number): Promise<Array<Buffer | null>> {
    if (w.own && this.appended.size) {
      const blocks: Buffer[] = []
      for (let seq = start; seq < end && this.appended.has(seq); seq++)
        blocks.push(this.appended.get(seq)!)
      for (let seq = start; seq < end; seq++) this.appended.delete(seq)
      if (blocks.length === end - start) return Promise.resolve(blocks)
    }
    return this.reads.range(w.core, start, end)
  }

  /** Turns a block into timeline items; edits, deletes and profiles update what they target. */
  private decode(w: Writer, seq: number, block: Buffer | null): TimelineEntry[] {
    if (!block) return []
    const decoded = decodeBlock(block)
    this.stats.invalidEntries += decoded.invalid
    // Every block carries its writer's name; the newest block read says it now.
    if (decoded.name && seq >= w.nameSeq) {
      w.nameSeq = seq
      w.bot = decoded.bot
      if (decoded.name !== w.name) {
        w.name = decoded.name
        this.emit('profile', w)
      }
    }
    const { ok, backwards, dueAt, withdrawUpTo } = w.clocks.check(seq, decoded.entries)
    this.stats.invalidEntries += backwards
    if (withdrawUpTo >= 0) this.withdraw(w, seq + 1, withdrawUpTo)
    if (dueAt) this.holdBack(w, seq, dueAt)
    for (const { entry } of ok) if (entry.h < w.since) w.since = entry.h
    if (ok.length && !w.seen) {
      w.seen = true
      this.emit('profile', w)
    }
    const items: TimelineEntry[] = []
    for (const { i, entry } of ok) {
      // Our own entries move our clock however far; another member's never past the limit.
      this.clock.observe(entry.h, w.own ? Infinity : MAX_CLOCK_AHEAD_MS)
      if (entry.t === 'edit' || entry.t === 'delete') {
        this.applyChange(entryId(w.key, entry.target.seq, entry.target.i), entry)
      } else if (entry.t === 'profile') {
        this.applyProfile(w, entry)
      } else if (entry.t === 'moved') {
        this.applyMove(w, entry.from, entry.to)
      } else if (entry.t === 'react') {
        // Held by the room's Reactions (reactions.ts), not by the timeline.
        this.emit('reaction', w.key, entry)
      } else {
        const item = this.toItem(w, seq, i, entry)
        // Never twice, whatever path read the block again.
        if (this.byId.has(item.id)) continue
        this.byId.set(item.id, item)
        this.applyOverlay(item)
        items.push(item)
      }
    }
    return items
  }

  /**
   * Entries of block `seq` read before the block below them turned out to go backwards:
   * they are invalid, as they would have been if read in order. Shown as deleted where
   * they were already shown (every peer orders the rest the same).
   */
  private withdraw(w: Writer, seq: number, upTo: number): void {
    for (const item of this.byId.values()) {
      if (item.author !== w.key || item.deleted || !item.id.startsWith(`${w.key}.${seq}.`)) continue
      if (parseInt(item.order.slice(0, 11), 36) > upTo) continue
      this.stats.invalidEntries++
      item.deleted = true
      item.text = ''
      if (this.isLoaded(item)) this.emit('updated', item)
    }
  }

  /**
   * Entries dated too far ahead wait, unshown and unordered, until they are due; then
   * their block is read again (what was placed from it already is not placed twice).
   */
  private holdBack(w: Writer, seq: number, dueAt: number): void {
    if (!w.future.has(seq) && w.future.size >= MAX_FUTURE_BLOCKS_PER_WRITER) return
    w.future.set(seq, dueAt)
    this.scheduleFuture()
  }

  private scheduleFuture(): void {
    if (this.futureTimer) clearTimeout(this.futureTimer)
    this.futureTimer = null
    let next = Infinity
    for (const w of this.writers.values())
      for (const due of w.future.values()) next = Math.min(next, due)
    if (next === Infinity || this.closed) return
    this.futureTimer = setTimeout(
      () => {
        this.futureTimer = null
        const now = Date.now()
        for (const w of this.writers.values()) {
          let due = false
          for (const [seq, at] of w.future) {
            if (at > now) continue
            w.future.delete(seq)
            w.holes.add(seq)
            w.arrived.push(seq)
            due = true
          }
          if (due) this.update(w.key).catch(() => {})
        }
        this.scheduleFuture()
      },
      Math.min(Math.max(0, next - Date.now()) + 10, MAX_TIMER_MS),
    )
  }

  close(): void {
    this.closed = true
    if (this.futureTimer) clearTimeout(this.futureTimer)
  }

  private toItem(
    w: Writer,
    seq: number,
    i: number,
    entry: Entry & { t: 'text' | 'file' | 'audio' },
  ): TimelineEntry {
    const extra: Partial<TimelineEntry> = w.bot ? { authorBot: true } : {}
    if (entry.t === 'text' && entry.re)
      extra.replyTo = entryId(entry.re.w, entry.re.seq, entry.re.i)
    if (entry.t === 'text' && entry.m?.length) {
      extra.mentions = [...new Set(entry.m)]
      extra.mentioned = !!this.ownKey && extra.mentions.includes(this.ownKey) && !w.own
    }
    return {
      ...extra,
      id: entryId(w.key, seq, i),
      room: this.room,
      author: w.key,
      authorName: w.name || 'Anonymous',
      kind: entry.t,
      text: entry.t === 'text' ? entry.text : '',
      file: entry.t === 'text' ? null : moved(w, entry.file),
      duration: entry.t === 'audio' ? entry.duration : 0,
      time: hlcTime(entry.h),
      ...(this.isLate(w, seq, hlcTime(entry.h)) ? { late: true } : {}),
      order: orderKey(entry.h, w.key, seq, i),
      edited: false,
      deleted: false,
      own: w.own,
      delivery: w.own ? { state: 'sent', peers: 0 } : null,
    }
  }

  private applyChange(target: string, entry: Entry & { t: 'edit' | 'delete' }): void {
    const prev = this.overlay.get(target)
    if (entry.t === 'delete') this.overlay.set(target, { h: entry.h, deleted: true })
    else if (!prev?.deleted && (!prev || prev.h < entry.h))
      this.overlay.set(target, { h: entry.h, text: entry.text })
    // Bounded: a flood of edits costs at most this many; the oldest change is let go.
    if (this.overlay.size > MAX_PENDING_CHANGES)
      this.overlay.delete(this.overlay.keys().next().value!)
    const item = this.byId.get(target)
    if (item && this.applyOverlay(item) && this.isLoaded(item)) this.emit('updated', item)
  }

  private applyOverlay(item: TimelineEntry): boolean {
    const change = this.overlay.get(item.id)
    if (!change) return false
    if (change.deleted) {
      if (item.deleted) return false
      item.deleted = true
      item.text = ''
      return true
    }
    // Only text can be edited; an edit naming a file entry is ignored.
    if (
      item.kind !== 'text' ||
      item.deleted ||
      change.text === undefined ||
      item.text === change.text
    )
      return false
    item.text = change.text
    item.edited = true
    return true
  }

  /** Points this writer's file entries (read so far and to come) at the drive they moved to. */
  private applyMove(w: Writer, from: string, to: string): void {
    if (w.moves.has(from) || w.moves.size >= MAX_MOVES) return
    w.moves.set(from, to)
    for (const item of this.byId.values()) {
      if (item.author !== w.key || item.file?.drive !== from) continue
      item.file = { ...item.file, drive: to }
      if (this.isLoaded(item)) this.emit('updated', item)
    }
    const avatar = w.avatar
    if (avatar?.drive === from) {
      w.avatar = { ...avatar, drive: to }
      this.emit('profile', w)
    }
  }

  private applyProfile(w: Writer, entry: Entry): void {
    if (entry.t !== 'profile' || entry.h <= w.profileH) return
    w.profileH = entry.h
    w.avatar = entry.avatar && moved(w, entry.avatar)
    this.emit('profile', w)
  }

  private isLoaded(item: TimelineEntry): boolean {
    return item.order >= this.floor
  }

  private insertLoaded(item: TimelineEntry, live: boolean): void {
    if (item.order >= this.ceiling) {
      // Scrolled far back: passed on, held again when the reader comes back to the newest.
      this.byId.delete(item.id)
      if (live) this.emit('added', item)
      return
    }
    insertSorted(this.loaded, item)
    if (!live) return
    if (this.loaded.length > this.window.max) this.dropOldest(this.loaded.length - this.window.keep)
    this.emit('added', item)
  }

  get(id: string): TimelineEntry | undefined {
    const item = this.byId.get(id)
    return item && this.isLoaded(item) ? item : undefined
  }

  /**
   * Any entry by id, loaded or not: what replies quote and search finds. Reads the one
   * block from disk when the entry was never decoded; null when it is not here.
   */
  async lookup(id: string): Promise<TimelineEntry | null> {
    const known = this.byId.get(id)
    if (known) return known
    const pos = parseEntryId(id)
    const w = pos && this.writers.get(pos.writer)
    if (!pos || !w || pos.seq >= w.core.length) return null
    const block = await w.core.get(pos.seq, { wait: false }).catch(() => null)
    if (!block) return null
    const found = decodeBlock(block).entries.find((e) => e.i === pos.i)?.entry
    if (!found || (found.t !== 'text' && found.t !== 'file' && found.t !== 'audio')) return null
    return this.toItem(w, pos.seq, pos.i, found)
  }

  /** Writes the writer's current name on the loaded entries it wrote. */
  rename(w: Writer): void {
    for (const item of this.loaded)
      if (item.author === w.key) item.authorName = w.name || 'Anonymous'
  }
}

function moved(w: Writer, ref: FileRef): FileRef {
  const to = w.moves.get(ref.drive)
  return to ? { ...ref, drive: to } : ref
}

function insertSorted(list: TimelineEntry[], item: TimelineEntry): void {
  if (!list.length || list[list.length - 1].order < item.order) list.push(item)
  else list.splice(lowerBoundByOrder(list, item.order), 0, item)
}

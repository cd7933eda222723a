import { EventEmitter } from 'node:events'
import b4a from 'b4a'
import { lowerBoundByOrder } from '../../shared/order'
import { decodeBlock, entryId, orderKey, parseEntryId, type Entry } from '../../shared/entries'
import type { FileRef, TimelineEntry } from '../../shared/types'
import type { HybridClock } from './clock'
import { hlcTime } from './clock'
import { readLocalBlocks, readLocalBlocksAt } from './blocks'

// The merged timeline of one room. Each writer core is sorted by its writer's clock,
// so the room's newest entries are the merge of every core's tail: the timeline loads
// from the top down and only as far as someone scrolls, and a node with 100,000 stored
// messages shows the newest page after reading a few blocks. Entries above `floor` are
// loaded; every entry not loaded sorts below it.

const READ_CHUNK_BLOCKS = 32
const FORWARD_CHUNK_BLOCKS = 512
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
}

type Overlay = { text?: string; h: number; deleted?: boolean }

export interface TimelineStats {
  invalidEntries: number
}

export class Timeline extends EventEmitter {
  readonly writers = new Map<string, Writer>()
  /** Loaded entries, ascending by order. */
  readonly loaded: TimelineEntry[] = []
  private floor = NOTHING_LOADED
  private readonly byId = new Map<string, TimelineEntry>()
  private readonly overlay = new Map<string, Overlay>()
  private lock: Promise<unknown> = Promise.resolve()
  private ownKey = ''

  constructor(
    readonly room: string,
    private readonly clock: HybridClock,
    private readonly stats: TimelineStats,
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
      }
      this.writers.set(key, w)
      if (own) this.ownKey = key
      if (top > 0) await this.readHeader(w, top - 1)
      // Joining the merge can put some of its entries above the floor.
      if (this.floor !== NOTHING_LOADED && top > 0) await this.pullAboveFloor(w)
      return w
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
  }

  /** A block downloaded: if it fills a hole, the next update() reads it. */
  downloaded(key: string, seq: number): void {
    const w = this.writers.get(key)
    if (w?.holes.has(seq)) w.arrived.push(seq)
  }

  /**
   * Reads blocks that arrived since last time: new messages, catch-up, and holes left
   * by blocks fetched out of order (the newest are fetched first, so a member who was
   * away sees the latest messages before the backlog has finished).
   */
  update(key: string): Promise<void> {
    return this.exclusive(async () => {
      const w = this.writers.get(key)
      if (!w) return
      if (w.arrived.length) {
        // A block can be reported more than once; each hole is filled exactly once.
        const seqs = [...new Set(w.arrived.splice(0))].filter((seq) => w.holes.has(seq))
        const blocks = await readLocalBlocksAt(w.core, seqs)
        seqs.forEach(
          (seq, b) => blocks[b] && w.holes.has(seq) && this.placeBlock(w, seq, blocks[b]),
        )
      }
      while (w.high < w.core.length) {
        const start = w.high
        const end = Math.min(w.core.length, start + FORWARD_CHUNK_BLOCKS)
        const blocks = await this.readRange(w, start, end)
        w.high = end
        blocks.forEach((block, b) => this.placeBlock(w, start + b, block))
      }
    })
  }

  private placeBlock(w: Writer, seq: number, block: Buffer | null): void {
    if (!block) {
      w.holes.add(seq)
      return
    }
    w.holes.delete(seq)
    for (const item of this.decode(w, seq, block)) {
      if (item.order >= this.floor) this.insertLoaded(item, true)
      else insertSorted(w.pending, item)
    }
  }

  /** Entries before `before` (an order key), newest `limit`, ascending. */
  page(before: string | undefined, limit: number): Promise<TimelineEntry[]> {
    return this.exclusive(async () => {
      const bound = before ?? NOTHING_LOADED
      let end = lowerBoundByOrder(this.loaded, bound)
      while (end < limit && this.floor !== ALL_LOADED) {
        await this.loadOlder(limit - end)
        end = lowerBoundByOrder(this.loaded, bound)
      }
      return this.loaded.slice(Math.max(0, end - limit), end)
    })
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

  private readRange(w: Writer, start: number, end: number): Promise<Array<Buffer | null>> {
    return readLocalBlocks(w.core, start, end)
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
    const items: TimelineEntry[] = []
    for (const { i, entry } of decoded.entries) {
      this.clock.observe(entry.h)
      if (entry.t === 'edit' || entry.t === 'delete') {
        this.applyChange(entryId(w.key, entry.target.seq, entry.target.i), entry)
      } else if (entry.t === 'profile') {
        this.applyProfile(w, entry)
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
      file: entry.t === 'text' ? null : entry.file,
      duration: entry.t === 'audio' ? entry.duration : 0,
      time: hlcTime(entry.h),
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

  private applyProfile(w: Writer, entry: Entry): void {
    if (entry.t !== 'profile' || entry.h <= w.profileH) return
    w.profileH = entry.h
    w.avatar = entry.avatar
    this.emit('profile', w)
  }

  private isLoaded(item: TimelineEntry): boolean {
    return item.order >= this.floor
  }

  private insertLoaded(item: TimelineEntry, live: boolean): void {
    insertSorted(this.loaded, item)
    if (live) this.emit('added', item)
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

  /** Total blocks known and held, for sync progress. */
  progress(): { have: number; total: number } {
    let have = 0
    let total = 0
    for (const w of this.writers.values()) {
      have += w.high - w.low - w.holes.size
      total += w.core.length - w.low
    }
    return { have, total }
  }
}

function insertSorted(list: TimelineEntry[], item: TimelineEntry): void {
  if (!list.length || list[list.length - 1].order < item.order) list.push(item)
  else list.splice(lowerBoundByOrder(list, item.order), 0, item)
}

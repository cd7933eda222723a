import type { TimelineEntry } from '../../shared/types'
import { lowerBoundByOrder } from '../../shared/order'

// The loaded part of one room's timeline, sorted by `order` (the order every peer
// agrees on). It is mutated in place and bumps `version`, because copying a
// 100,000-entry array for each arriving message would cost more than drawing it.
// Pages of history are prepended as the user scrolls up.

/**
 * One string per room key, author key and name. Every entry arrives with its own copies
 * (parsed from JSON), and a reader who scrolls back through 100,000 messages would
 * otherwise hold 300,000 copies of a few strings for the garbage collector to trace
 * while they scroll. Bounded, as names are chosen by members: past SHARED_MAX it starts over.
 */
const SHARED_MAX = 10_000
const shared = new Map<string, string>()
function shareKeys(entry: TimelineEntry): TimelineEntry {
  for (const field of ['room', 'author', 'authorName'] as const) {
    const value = entry[field]
    const one = shared.get(value)
    if (one !== undefined) entry[field] = one
    else {
      if (shared.size >= SHARED_MAX) shared.clear()
      shared.set(value, value)
    }
  }
  return entry
}

export class RoomTimeline {
  readonly entries: TimelineEntry[] = []
  version = 0
  /** More history exists before the first loaded entry. */
  hasMore = true
  loading = false
  /** The initial page has arrived. */
  loaded = false
  /** Bumped by reset(). */
  generation = 0
  private readonly ids = new Set<string>()
  private readonly listeners = new Set<() => void>()

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb)
    return () => {
      this.listeners.delete(cb)
    }
  }

  getVersion = (): number => this.version

  /** Inserts or replaces one entry; returns true when it was new. */
  add(entry: TimelineEntry): boolean {
    shareKeys(entry)
    if (this.ids.has(entry.id)) {
      this.update(entry)
      return false
    }
    const list = this.entries
    // Older than all we hold while more history exists: it comes with that page. Taken
    // now, it would become the oldest, and paging from it would skip what lies between.
    if (this.loaded && this.hasMore && list.length && entry.order < list[0].order) return false
    const last = list[list.length - 1]
    if (!last || last.order < entry.order) list.push(entry)
    else list.splice(this.lowerBound(entry.order), 0, entry)
    this.ids.add(entry.id)
    this.changed()
    return true
  }

  /** A loaded entry by id, or undefined. */
  find(id: string): TimelineEntry | undefined {
    return this.ids.has(id) ? this.entries.find((e) => e.id === id) : undefined
  }

  /** Replaces an entry already loaded (edit, delete, delivery state). */
  update(entry: TimelineEntry): void {
    const i = this.indexOf(entry)
    if (i < 0) return
    this.entries[i] = entry
    this.changed()
  }

  /** Merges a page of older history (ascending), as returned by history:load. */
  prepend(page: TimelineEntry[], pageLimit: number): void {
    const fresh = page.filter((e) => !this.ids.has(e.id)).map(shareKeys)
    for (const e of fresh) this.ids.add(e.id)
    const first = this.entries[0]
    if (!first || fresh.every((e) => e.order < first.order)) this.entries.unshift(...fresh)
    else {
      // A live entry raced the page: merge, keeping the order.
      this.entries.push(...fresh)
      this.entries.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    }
    this.hasMore = page.length >= pageLimit
    this.loaded = true
    this.changed()
  }

  /**
   * Keeps the newest `keep` entries (a flood, or a long day, while the reader follows the
   * end): the rest are paged in again from the engine if the reader scrolls up.
   */
  trimOldest(keep: number): void {
    const cut = this.entries.length - keep
    if (cut <= 0) return
    for (const e of this.entries.splice(0, cut)) this.ids.delete(e.id)
    this.hasMore = true
    this.changed()
  }

  /** Drops everything at or before `mark` (after ~clear). */
  clearUpTo(mark: string): void {
    if (!mark) return
    const cut = this.upperBound(mark)
    if (cut === 0) return
    for (const e of this.entries.splice(0, cut)) this.ids.delete(e.id)
    this.hasMore = false
    this.changed()
  }

  /**
   * Forgets everything loaded, to be loaded again (a member was muted or unmuted: which
   * entries show changed all through history). A page asked for before this is stale:
   * `generation` tells.
   */
  reset(): void {
    this.entries.length = 0
    this.ids.clear()
    this.hasMore = true
    this.loaded = false
    this.generation++
    this.changed()
  }

  setLoading(loading: boolean): void {
    this.loading = loading
    this.changed()
  }

  get oldestOrder(): string | undefined {
    return this.entries[0]?.order
  }

  /** Index of the first entry with order > mark. */
  upperBound(mark: string): number {
    let lo = 0
    let hi = this.entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.entries[mid].order <= mark) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private lowerBound(order: string): number {
    return lowerBoundByOrder(this.entries, order)
  }

  private indexOf(entry: TimelineEntry): number {
    const i = this.lowerBound(entry.order)
    if (this.entries[i]?.id === entry.id) return i
    // Orders are unique, so this is only a safety net.
    return this.entries.findIndex((e) => e.id === entry.id)
  }

  private changed(): void {
    this.version++
    for (const cb of this.listeners) cb()
  }
}

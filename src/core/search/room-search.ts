import fs from 'node:fs/promises'
import path from 'node:path'
import MiniSearch from 'minisearch'
import { decodeBlock, entryId } from '../../shared/entries'
import { MAX_INDEXED_MESSAGES, MAX_SEARCH_RESULTS } from '../../shared/limits'
import type { SearchHit, TimelineEntry } from '../../shared/types'
import { writeFileAtomic } from '../atomic'
import { readLocalBlocks } from '../rooms/blocks'

// Full-text search over one room's history on disk, with MiniSearch. The index is fed
// straight from the writer cores (not from the timeline, which holds only what was
// scrolled to), block by block from a per-writer cursor, so it is built incrementally;
// it is saved beside the corestore and loaded on start, so it survives restarts. It holds
// ids and terms only (no text), and at most MAX_INDEXED_MESSAGES messages: past that the
// first indexed are dropped. Hits are read back from disk for their text.

const INDEX_VERSION = 1
const READ_CHUNK_BLOCKS = 256
/** After changes, the index is written at most this often (and on close). */
const SAVE_DELAY_MS = 10_000
const EXCERPT_CHARS = 80

export interface SearchSource {
  /** The room's writer cores now. */
  writers(): Iterable<{ key: string; core: any }>
  /** An entry by id, as the timeline shows it (edits applied), or null. */
  lookup(id: string): Promise<TimelineEntry | null>
}

const OPTIONS = {
  fields: ['text'],
  storeFields: [] as string[],
  searchOptions: { prefix: true, combineWith: 'AND' as const },
}

export class RoomSearch {
  private index = new MiniSearch<{ id: string; text: string }>(OPTIONS)
  /** Per writer: blocks [0, cursor) are indexed. */
  private cursors: Record<string, number> = {}
  /** Indexed ids, first indexed first: what goes when the index is full. */
  private order: string[] = []
  private lock: Promise<unknown> = Promise.resolve()
  private saveTimer: NodeJS.Timeout | null = null
  private dirty = false
  private closed = false

  constructor(
    private readonly source: SearchSource,
    readonly file: string,
    private readonly maxMessages = MAX_INDEXED_MESSAGES,
  ) {}

  /** Loads the saved index; one that is missing, stale or unreadable is rebuilt from disk. */
  async load(): Promise<void> {
    const raw = await fs.readFile(this.file, 'utf8').catch(() => null)
    if (!raw) return
    try {
      const saved = JSON.parse(raw)
      if (saved?.v !== INDEX_VERSION || typeof saved.cursors !== 'object') throw new Error('old')
      this.index = MiniSearch.loadJS(saved.index, OPTIONS)
      this.cursors = saved.cursors
      this.order = Array.isArray(saved.order) ? saved.order : []
    } catch {
      this.index = new MiniSearch(OPTIONS)
      this.cursors = {}
      this.order = []
    }
  }

  get size(): number {
    return this.index.documentCount
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn)
    this.lock = run.catch(() => {})
    return run
  }

  /** Indexes every block written or downloaded since the last call. */
  sync(): Promise<number> {
    return this.exclusive(async () => {
      let added = 0
      for (const { key, core } of this.source.writers()) {
        if (this.closed) break
        let cursor = this.cursors[key] ?? 0
        // A core shorter than its cursor was reset: start that writer again.
        if (cursor > core.length) cursor = 0
        while (cursor < core.length && !this.closed) {
          const end = Math.min(core.length, cursor + READ_CHUNK_BLOCKS)
          const blocks = await readLocalBlocks(core, cursor, end)
          // Stop at the first block not downloaded yet: the next sync starts there.
          let n = 0
          for (; n < blocks.length && blocks[n]; n++)
            added += this.indexBlock(key, cursor + n, blocks[n]!)
          cursor += n
          if (n < blocks.length) break
        }
        if (this.cursors[key] !== cursor) {
          this.cursors[key] = cursor
          this.dirty = true
        }
      }
      this.trim()
      if (this.dirty) this.scheduleSave()
      return added
    })
  }

  private indexBlock(writer: string, seq: number, block: Uint8Array): number {
    let added = 0
    for (const { i, entry } of decodeBlock(block).entries) {
      if (entry.t === 'text') {
        const id = entryId(writer, seq, i)
        if (this.index.has(id)) continue
        this.index.add({ id, text: entry.text })
        this.order.push(id)
        added++
      } else if (entry.t === 'edit' || entry.t === 'delete') {
        // Edits and deletes name the writer's own entries only.
        const id = entryId(writer, entry.target.seq, entry.target.i)
        if (!this.index.has(id)) continue
        if (entry.t === 'delete') this.index.discard(id)
        else this.index.replace({ id, text: entry.text })
      }
    }
    return added
  }

  /** Keeps memory bounded: past the cap, the first indexed tenth goes. */
  private trim(): void {
    if (this.order.length <= this.maxMessages) return
    const drop = this.order.length - this.maxMessages + Math.ceil(this.maxMessages / 10)
    for (const id of this.order.splice(0, drop)) if (this.index.has(id)) this.index.discard(id)
  }

  /** Ids of the best hits, best first. */
  async ids(
    query: string,
    limit = MAX_SEARCH_RESULTS,
  ): Promise<Array<{ id: string; terms: string[]; score: number }>> {
    await this.sync()
    return this.index
      .search(query)
      .slice(0, limit)
      .map((r) => ({ id: r.id as string, terms: r.terms, score: r.score }))
  }

  /** Hits with their entry and an excerpt around the first word found. */
  async search(query: string, limit = MAX_SEARCH_RESULTS): Promise<SearchHit[]> {
    const hits: SearchHit[] = []
    for (const { id, terms, score } of await this.ids(query, limit)) {
      const entry = await this.source.lookup(id)
      if (!entry || entry.deleted) continue
      hits.push({ entry, terms, score, excerpt: excerpt(entry.text, terms) })
    }
    return hits
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.closed) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null
      void this.save().catch(() => {})
    }, SAVE_DELAY_MS)
    this.saveTimer.unref?.()
  }

  /** Writes the index if it changed. */
  save(): Promise<void> {
    return this.exclusive(async () => {
      if (!this.dirty) return
      this.dirty = false
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 })
      const json = JSON.stringify({
        v: INDEX_VERSION,
        cursors: this.cursors,
        order: this.order,
        index: this.index.toJSON(),
      })
      await writeFileAtomic(this.file, json)
    })
  }

  async close(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = null
    await this.save().catch(() => {})
    this.closed = true
  }
}

/** A plain one-line excerpt of `text` around the first of `terms`. */
export function excerpt(text: string, terms: string[]): string {
  const plain = text.replace(/\s+/gu, ' ').trim()
  const lower = plain.toLowerCase()
  let at = -1
  for (const term of terms) {
    const found = lower.indexOf(term.toLowerCase())
    if (found >= 0 && (at < 0 || found < at)) at = found
  }
  if (plain.length <= EXCERPT_CHARS * 2) return plain
  const start = Math.max(0, at - EXCERPT_CHARS)
  const end = Math.min(plain.length, Math.max(at, 0) + EXCERPT_CHARS)
  return `${start > 0 ? '…' : ''}${plain.slice(start, end)}${end < plain.length ? '…' : ''}`
}

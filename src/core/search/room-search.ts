import fs from 'node:fs/promises'
import path from 'node:path'
import FlexSearch from 'flexsearch'
import { decodeBlock, entryId } from '../../shared/entries'
import { MAX_INDEXED_MESSAGES, MAX_SEARCH_RESULTS } from '../../shared/limits'
import type { SearchHit, TimelineEntry } from '../../shared/types'
import { writeFileAtomic } from '../atomic'
import { readLocalBlocks } from '../rooms/blocks'

// Full-text search over one room's history on disk, with FlexSearch. The index is fed
// straight from the writer cores (not from the timeline, which holds only what was
// scrolled to), block by block from a per-writer cursor, so it is built incrementally;
// it is saved beside the corestore and loaded on start, so it survives restarts. It
// holds terms and small numbers (no text); an entry id is kept once, in `docs`. Past
// MAX_INDEXED_MESSAGES it is rebuilt from the newest part of each writer, so memory
// stays bounded. Hits are read back from disk for their text.

const INDEX_VERSION = 2
const READ_CHUNK_BLOCKS = 256
/** After changes, the index is written at most this often (and on close). */
const SAVE_DELAY_MS = 10_000
const EXCERPT_CHARS = 80
/** Past the cap, the rebuilt index keeps about this share of it. */
const KEEP_AFTER_CAP = 0.8

export interface SearchSource {
  /** The room's writer cores now. */
  writers(): Iterable<{ key: string; core: any }>
  /** An entry by id, as the timeline shows it (edits applied), or null. */
  lookup(id: string): Promise<TimelineEntry | null>
}

/**
 * Whole words ('strict'): prefix tokenizing ('forward') made the index about 6 times
 * slower to build and 4 times bigger, and MiniSearch (tried first) scores every match,
 * so a word found in half the room took ten times the budget; FlexSearch stops at
 * `limit`. No fastupdate: an imported index has none anyway (import drops it); without
 * it an edit or delete scans the index, which is rare next to adding.
 */
const OPTIONS = { tokenize: 'strict', fastupdate: false } as const
const newIndex = () => new FlexSearch.Index(OPTIONS)

export class RoomSearch {
  private index = newIndex()
  /** Per writer: blocks [0, cursor) are indexed. */
  private cursors: Record<string, number> = {}
  /** Entry ids by document number - base; '' once deleted. */
  private docs: string[] = []
  private base = 0
  private numbers = new Map<string, number>()
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
  load(): Promise<void> {
    return this.exclusive(() => this.read())
  }

  private async read(): Promise<void> {
    const raw = await fs.readFile(this.file, 'utf8').catch(() => null)
    if (!raw) return
    try {
      const saved = JSON.parse(raw)
      if (saved?.v !== INDEX_VERSION || typeof saved.cursors !== 'object') throw new Error('old')
      if (!Array.isArray(saved.docs) || !Number.isSafeInteger(saved.base)) throw new Error('bad')
      const index = newIndex()
      for (const [key, data] of Object.entries(saved.index)) index.import(key, data as string)
      this.index = index
      this.cursors = saved.cursors
      this.docs = saved.docs
      this.base = saved.base
      this.numbers = new Map()
      this.docs.forEach((id, n) => id && this.numbers.set(id, this.base + n))
    } catch {
      this.reset()
    }
  }

  private reset(cursors: Record<string, number> = {}): void {
    this.index = newIndex()
    this.cursors = cursors
    this.docs = []
    this.base = 0
    this.numbers = new Map()
    this.dirty = true
  }

  /** Messages indexed. */
  get size(): number {
    return this.numbers.size
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn)
    this.lock = run.catch(() => {})
    return run
  }

  /** Indexes every block written or downloaded since the last call. */
  sync(): Promise<number> {
    return this.exclusive(async () => {
      let added = await this.catchUp()
      if (this.numbers.size > this.maxMessages) {
        this.rebuildNewest()
        added = await this.catchUp()
      }
      if (this.dirty) this.scheduleSave()
      return added
    })
  }

  private async catchUp(): Promise<number> {
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
    return added
  }

  /** Past the cap: start again from the newest blocks of each writer. */
  private rebuildNewest(): void {
    const keep = (KEEP_AFTER_CAP * this.maxMessages) / this.numbers.size
    const cursors: Record<string, number> = {}
    for (const { key, core } of this.source.writers())
      cursors[key] = Math.floor((this.cursors[key] ?? core.length) * (1 - keep))
    this.reset(cursors)
  }

  private indexBlock(writer: string, seq: number, block: Uint8Array): number {
    let added = 0
    for (const { i, entry } of decodeBlock(block).entries) {
      if (entry.t === 'text') {
        const id = entryId(writer, seq, i)
        if (this.numbers.has(id)) continue
        const n = this.base + this.docs.length
        this.docs.push(id)
        this.numbers.set(id, n)
        this.index.add(n, entry.text)
        added++
      } else if (entry.t === 'edit' || entry.t === 'delete') {
        // Edits and deletes name the writer's own entries only.
        const id = entryId(writer, entry.target.seq, entry.target.i)
        const n = this.numbers.get(id)
        if (n === undefined) continue
        if (entry.t === 'edit') {
          this.index.update(n, entry.text)
          continue
        }
        this.index.remove(n)
        this.numbers.delete(id)
        this.docs[n - this.base] = ''
      }
    }
    return added
  }

  /** Ids of the best hits, best first. */
  async ids(
    query: string,
    limit = MAX_SEARCH_RESULTS,
  ): Promise<Array<{ id: string; terms: string[]; score: number }>> {
    await this.sync()
    const terms = query
      .toLowerCase()
      .split(/[\s\p{P}]+/u)
      .filter(Boolean)
    const found = this.index.search(query, { limit }) as number[]
    return found
      .map((n, rank) => ({ id: this.docs[n - this.base] ?? '', terms, score: found.length - rank }))
      .filter((hit) => hit.id)
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
      const index: Record<string, string> = {}
      await this.index.export((key: string, data: string) => {
        index[key] = data
      })
      const json = JSON.stringify({
        v: INDEX_VERSION,
        cursors: this.cursors,
        base: this.base,
        docs: this.docs,
        index,
      })
      await writeFileAtomic(this.file, json)
    })
  }

  /** Stops indexing (a catch-up in progress ends at its next chunk) and saves. */
  async close(): Promise<void> {
    this.closed = true
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = null
    await this.save().catch(() => {})
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

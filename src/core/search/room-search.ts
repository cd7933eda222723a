import fs from 'node:fs/promises'
import path from 'node:path'
import FlexSearch from 'flexsearch'
import { decodeEntries } from '../../shared/entries'
import { MAX_INDEXED_MESSAGES, MAX_SEARCH_RESULTS } from '../../shared/limits'
import type { SearchHit, TimelineEntry } from '../../shared/types'
import { readLocalBlocks } from '../rooms/blocks'
import { readIndexFile, writeIndexFile } from './index-file'
import { MAX_POSITION_WRITERS, Positions } from './positions'
import { excerpt, words } from './words'

// Full-text search over one room's history on disk, with FlexSearch. The index is fed
// straight from the writer cores (not from the timeline, which holds only what was
// scrolled to), block by block from a per-writer cursor, so it is built incrementally;
// it is saved beside the corestore and loaded when first needed (a search, or the first
// catch-up, which the node delays past start-up), so it survives restarts without
// weighing on start-up. It holds terms and small document numbers (no text); a number
// maps to its message's place through `positions` (8 bytes a message). Past
// MAX_INDEXED_MESSAGES it is rebuilt from the newest part of each writer, so memory
// stays bounded. Hits are read back from disk for their text.

/** 3: the line format of index-file.ts, positions instead of entry ids, our encoder. */
const INDEX_VERSION = 3
const READ_CHUNK_BLOCKS = 256
/** Messages indexed between two turns of the event loop (about 5 ms of work). */
const YIELD_EVERY_MESSAGES = 2000
/** After changes, the index is written at most this often (and on close). */
const SAVE_DELAY_MS = 10_000
/** Past the cap, the rebuilt index keeps about this share of it. */
const KEEP_AFTER_CAP = 0.8
const CAP_ROUNDS = 2

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
 * `limit`. Resolution 1: FlexSearch ranks by where in a text a word stands, which says
 * little in chat; one rank builds a third faster in half the memory. No fastupdate: an
 * imported index has none anyway (import drops it); without it an edit or delete scans
 * the index, which is rare next to adding.
 */
const OPTIONS = { tokenize: 'strict', resolution: 1, fastupdate: false, encode: words } as const
const newIndex = () => new FlexSearch.Index(OPTIONS)

export class RoomSearch {
  private index = newIndex()
  /** Per writer: blocks [0, cursor) are indexed. */
  private cursors: Record<string, number> = {}
  /**
   * Per writer whose core was cut shorter than its cursor: blocks below this were indexed
   * before the cut, so a text found there again is skipped, not indexed twice.
   */
  private heldBelow: Record<string, number> = {}
  private positions = new Positions()
  private loaded = false
  private lock: Promise<unknown> = Promise.resolve()
  private saveTimer: NodeJS.Timeout | null = null
  private dirty = false
  private closed = false

  constructor(
    private readonly source: SearchSource,
    readonly file: string,
    private readonly maxMessages = MAX_INDEXED_MESSAGES,
  ) {}

  /** Loads the saved index now; one that is missing, stale or unreadable is rebuilt from disk. */
  load(): Promise<void> {
    return this.exclusive(() => this.read())
  }

  private async read(): Promise<void> {
    if (this.loaded) return
    this.loaded = true
    const index = newIndex()
    try {
      const header = await readIndexFile(this.file, index, (h) => h?.v === INDEX_VERSION)
      if (!header) return this.reset()
      const { cursors, held } = header
      checkCursors(cursors)
      checkCursors(held)
      const bytes = Buffer.from(String(header.positions), 'base64')
      this.positions = Positions.from(header.writers, bytes)
      this.cursors = cursors
      this.heldBelow = held
      this.index = index
    } catch {
      this.reset()
    }
  }

  private reset(cursors: Record<string, number> = {}): void {
    this.index = newIndex()
    this.cursors = cursors
    this.heldBelow = {}
    this.positions = new Positions()
    this.dirty = true
  }

  /** Messages indexed. */
  get size(): number {
    return this.positions.size
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn)
    this.lock = run.catch(() => {})
    return run
  }

  /** Indexes every block written or downloaded since the last call (loading the index first). */
  sync(): Promise<number> {
    return this.exclusive(async () => {
      await this.read()
      let added = await this.catchUp()
      // Past the cap (a catch-up stops there): keep the newest part. A second round
      // corrects the estimate of how many blocks that is, if the first one was off.
      for (let round = 0; round < CAP_ROUNDS && this.positions.size > this.maxMessages; round++) {
        this.rebuildNewest()
        added = await this.catchUp()
      }
      if (this.dirty) this.scheduleSave()
      return added
    })
  }

  private async catchUp(): Promise<number> {
    let added = 0
    let sinceYield = 0
    const writers = [...this.source.writers()]
    // Writers come and go; once more have written than a position can name, start again
    // with the ones there are now.
    const known = new Set(this.positions.writers)
    const fresh = writers.filter((w) => !known.has(w.key)).length
    if (known.size + fresh > MAX_POSITION_WRITERS) this.reset()
    for (const { key, core } of writers) {
      if (this.closed) break
      let cursor = this.cursors[key] ?? 0
      // A core shorter than its cursor was cut: start that writer again, skipping
      // messages still indexed from before the cut.
      if (cursor > core.length) {
        this.heldBelow[key] = Math.max(this.heldBelow[key] ?? 0, cursor)
        cursor = 0
        this.dirty = true
      }
      const below = this.heldBelow[key] ?? 0
      const held = cursor < below ? this.positions.placesOf(key) : null
      while (cursor < core.length && !this.closed) {
        const end = Math.min(core.length, cursor + READ_CHUNK_BLOCKS)
        const blocks = await readLocalBlocks(core, cursor, end)
        // Stop at the first block not downloaded yet: the next sync starts there.
        // Past the cap, stop: sync() starts again from the newest blocks.
        let n = 0
        for (; n < blocks.length && blocks[n] && !this.full; n++) {
          const count = this.indexBlock(
            key,
            cursor + n,
            blocks[n]!,
            cursor + n < below ? held : null,
          )
          added += count
          sinceYield += count
          // A backlog of a million is indexed in slices: messages keep arriving meanwhile.
          if (sinceYield >= YIELD_EVERY_MESSAGES) {
            sinceYield = 0
            await new Promise((resolve) => setImmediate(resolve))
          }
        }
        cursor += n
        if (n < blocks.length) break
      }
      if (this.cursors[key] !== cursor) {
        this.cursors[key] = cursor
        this.dirty = true
      }
      if (below && cursor >= below) delete this.heldBelow[key]
      if (this.full) break
    }
    return added
  }

  private get full(): boolean {
    return this.positions.size > this.maxMessages
  }

  /**
   * Past the cap: start again from the newest blocks of every writer, as many as hold
   * about KEEP_AFTER_CAP of the cap at the messages per block seen so far.
   */
  private rebuildNewest(): void {
    const writers = [...this.source.writers()]
    let indexedBlocks = 0
    let blocks = 0
    for (const { key, core } of writers) {
      indexedBlocks += Math.min(this.cursors[key] ?? 0, core.length)
      blocks += core.length
    }
    const perBlock = this.positions.size / Math.max(1, indexedBlocks)
    const share = Math.min(1, (KEEP_AFTER_CAP * this.maxMessages) / (perBlock * blocks))
    const cursors: Record<string, number> = {}
    for (const { key, core } of writers) cursors[key] = Math.floor(core.length * (1 - share))
    this.reset(cursors)
  }

  /** Indexes a block's texts, edits and deletes; texts at places in `held` are there already. */
  private indexBlock(
    writer: string,
    seq: number,
    block: Uint8Array,
    held: Set<number> | null,
  ): number {
    let added = 0
    for (const { i, entry } of decodeEntries(block)) {
      if (entry.t === 'text') {
        const place = this.positions.place(writer, seq, i, true)
        if (place === null) continue
        if (held?.has(place)) continue
        this.index.add(this.positions.add(place), entry.text)
        added++
      } else if (entry.t === 'edit' || entry.t === 'delete') {
        // Edits and deletes name the writer's own entries only.
        const place = this.positions.place(writer, entry.target.seq, entry.target.i, false)
        const doc = place === null ? -1 : this.positions.find(place)
        if (doc < 0) continue
        if (entry.t === 'edit') {
          this.index.update(doc, entry.text)
          continue
        }
        this.index.remove(doc)
        this.positions.remove(doc)
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
    const hits: Array<{ id: string; terms: string[]; score: number }> = []
    found.forEach((doc, rank) => {
      const id = this.positions.id(doc)
      if (id) hits.push({ id, terms, score: found.length - rank })
    })
    return hits
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
      if (!this.dirty || !this.loaded) return
      this.dirty = false
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 })
      const header = {
        v: INDEX_VERSION,
        cursors: this.cursors,
        held: this.heldBelow,
        writers: this.positions.writers,
        positions: Buffer.from(this.positions.bytes()).toString('base64'),
      }
      await writeIndexFile(this.file, header, this.index as any)
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

/** Block counts by writer key, as saved; throws on anything else. */
function checkCursors(value: unknown): asserts value is Record<string, number> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('bad cursors')
  for (const n of Object.values(value))
    if (!Number.isSafeInteger(n) || (n as number) < 0) throw new Error('bad cursor')
}

import { entryId } from '../../shared/entries'
import { MAX_ENTRIES_PER_BLOCK, MAX_WRITERS_PER_ROOM } from '../../shared/limits'

// Where each indexed message is. FlexSearch is fastest with small dense document numbers
// (they stay small integers in its arrays and objects), so a document number is a count,
// and this maps it to the message's place: (writer, block, entry) packed into one number
// in a typed array, 8 bytes a message. No entry id strings and no reverse map are held:
// an edit or delete finds its target by scanning the array, which takes well under a
// millisecond for 100,000 messages and happens far less often than adding.

/** Blocks per writer a position can name: 2^34, far past any real core. */
const SEQ_LIMIT = 2 ** 34
const ENTRY_LIMIT = MAX_ENTRIES_PER_BLOCK
/** (writers × blocks × entries) must stay a safe integer: 2^10 × 2^34 × 2^8 = 2^52. */
export const MAX_POSITION_WRITERS = MAX_WRITERS_PER_ROOM
const GONE = -1
const FIRST_CAPACITY = 1024

export class Positions {
  private list = new Float64Array(FIRST_CAPACITY)
  private count = 0
  private live = 0
  private readonly writerIndex = new Map<string, number>()

  constructor(readonly writers: string[] = []) {
    writers.forEach((key, w) => this.writerIndex.set(key, w))
  }

  /** Messages held (deleted ones not counted). */
  get size(): number {
    return this.live
  }

  /** The packed place of an entry, or null if it cannot be named (writer list full, seq too big). */
  place(writer: string, seq: number, i: number, addWriter: boolean): number | null {
    let w = this.writerIndex.get(writer)
    if (w === undefined) {
      if (!addWriter || this.writers.length >= MAX_POSITION_WRITERS) return null
      w = this.writers.push(writer) - 1
      this.writerIndex.set(writer, w)
    }
    if (!(seq >= 0 && seq < SEQ_LIMIT && i >= 0 && i < ENTRY_LIMIT)) return null
    return (w * SEQ_LIMIT + seq) * ENTRY_LIMIT + i
  }

  /** Records a new message at `place`; returns its document number. */
  add(place: number): number {
    if (this.count === this.list.length) {
      const grown = new Float64Array(this.list.length * 2)
      grown.set(this.list)
      this.list = grown
    }
    this.list[this.count++] = place
    this.live++
    return this.count - 1
  }

  /** The document number of the message at `place`, or -1. Newest first: edits are recent. */
  find(place: number): number {
    const at = this.list.subarray(0, this.count).lastIndexOf(place)
    return at
  }

  /** The places held of one writer's messages (for a writer whose core was reset). */
  placesOf(writer: string): Set<number> {
    const out = new Set<number>()
    const w = this.writerIndex.get(writer)
    if (w === undefined) return out
    const span = SEQ_LIMIT * ENTRY_LIMIT
    for (let n = 0; n < this.count; n++) {
      const place = this.list[n]!
      if (place !== GONE && Math.floor(place / span) === w) out.add(place)
    }
    return out
  }

  remove(doc: number): void {
    if (doc < 0 || doc >= this.count || this.list[doc] === GONE) return
    this.list[doc] = GONE
    this.live--
  }

  /** The entry id of a document, or null if it is gone or unknown. */
  id(doc: number): string | null {
    if (!Number.isInteger(doc) || doc < 0 || doc >= this.count) return null
    const place = this.list[doc]!
    if (place === GONE) return null
    const i = place % ENTRY_LIMIT
    const rest = (place - i) / ENTRY_LIMIT
    const seq = rest % SEQ_LIMIT
    const writer = this.writers[(rest - seq) / SEQ_LIMIT]
    return writer === undefined ? null : entryId(writer, seq, i)
  }

  /** The places as bytes, for the saved index. */
  bytes(): Uint8Array {
    const used = this.list.slice(0, this.count)
    return new Uint8Array(used.buffer, 0, used.byteLength)
  }

  /** Positions read back from `bytes()`; throws on anything malformed. */
  static from(writers: unknown, bytes: Uint8Array): Positions {
    if (!Array.isArray(writers) || !writers.every((w) => typeof w === 'string'))
      throw new Error('bad writers')
    if (writers.length > MAX_POSITION_WRITERS) throw new Error('too many writers')
    if (bytes.byteLength % 8) throw new Error('bad positions')
    const out = new Positions(writers as string[])
    const list = new Float64Array(bytes.byteLength / 8)
    new Uint8Array(list.buffer).set(bytes)
    out.list = list.length ? list : new Float64Array(FIRST_CAPACITY)
    out.count = list.length
    for (const place of list) {
      if (place === GONE) continue
      if (!Number.isSafeInteger(place) || place < 0) throw new Error('bad position')
      if (Math.floor(place / ENTRY_LIMIT / SEQ_LIMIT) >= writers.length)
        throw new Error('bad position')
      out.live++
    }
    return out
  }
}

import type { Entry } from '../../shared/entries'
import { HLC_SHIFT } from '../../shared/entries'
import { MAX_CLOCK_AHEAD_MS } from '../../shared/limits'

// What a writer's clock may say, checked by every receiver, so that no member can pin a
// message above all later ones or slip one in below: values increase along the writer's
// core (an entry that goes backwards is invalid and counted), and an entry dated more than
// MAX_CLOCK_AHEAD_MS ahead of our wall clock is held back until it no longer is.
// Blocks can be read in any order (newest first, holes filled later), so the bounds of
// blocks read so far are kept, for the most recent BOUNDS_KEPT blocks of each writer.

const BOUNDS_KEPT = 4096

type Dated = { i: number; entry: Entry }

export interface Checked {
  /** Entries to place now, in block order. */
  ok: Dated[]
  /** Entries whose clock does not increase along the core. */
  backwards: number
  /** Wall ms at which held-back entries of this block are due; 0 when none are held. */
  dueAt: number
  /**
   * The next block was read first, and some of its entries are not above this block's
   * newest: those (of block seq + 1, with h at most this) go backwards and are withdrawn.
   * So the later entry is the invalid one whatever order the blocks were read in.
   */
  withdrawUpTo: number
}

export class WriterClocks {
  private readonly bounds = new Map<number, [number, number]>()

  constructor(private readonly now: () => number = Date.now) {}

  check(seq: number, entries: Dated[]): Checked {
    const prev = this.bounds.get(seq - 1)
    const next = this.bounds.get(seq + 1)

    const limit = (this.now() + MAX_CLOCK_AHEAD_MS) * HLC_SHIFT
    const ok: Dated[] = []
    let backwards = 0
    let dueAt = 0
    let last = prev ? prev[1] : -1
    let min = Infinity
    let max = -1
    for (const dated of entries) {
      const h = dated.entry.h
      if (h <= last) {
        backwards++
        continue
      }
      last = h
      min = Math.min(min, h)
      max = Math.max(max, h)
      if (h > limit) {
        const due = Math.floor(h / HLC_SHIFT) - MAX_CLOCK_AHEAD_MS
        dueAt = dueAt ? Math.min(dueAt, due) : due
        continue
      }
      ok.push(dated)
    }
    if (max >= 0) this.remember(seq, min, max)
    let withdrawUpTo = -1
    if (next && max >= next[0]) {
      withdrawUpTo = max
      if (next[1] > max) this.remember(seq + 1, max + 1, next[1])
      else this.bounds.delete(seq + 1)
    }
    return { ok, backwards, dueAt, withdrawUpTo }
  }

  private remember(seq: number, min: number, max: number): void {
    this.bounds.delete(seq)
    this.bounds.set(seq, [min, max])
    if (this.bounds.size > BOUNDS_KEPT) this.bounds.delete(this.bounds.keys().next().value!)
  }
}

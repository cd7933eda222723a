import { HLC_SHIFT } from '../../shared/entries'

/**
 * Hybrid logical clock. Values are wall ms * 1024 + counter, so they sort like time
 * but never go backwards on this node, and move past any entry seen from a peer:
 * an answer always sorts after the message it answers, whatever the clocks say.
 */
export class HybridClock {
  private last = 0

  constructor(private readonly now: () => number = Date.now) {}

  /** A value greater than every value this clock has produced or observed. */
  tick(): number {
    const wall = this.now() * HLC_SHIFT
    this.last = wall > this.last ? wall : this.last + 1
    return this.last
  }

  /** Records a value seen in a peer's entry, ignoring ones from far in the future. */
  observe(value: number, maxSkewMs: number): void {
    if (value > this.last && value <= (this.now() + maxSkewMs) * HLC_SHIFT) this.last = value
  }
}

export function hlcTime(value: number): number {
  return Math.floor(value / HLC_SHIFT)
}

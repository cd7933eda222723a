import type { Virtualizer } from '@tanstack/react-virtual'
import { flushSync } from 'react-dom'
import type { TimelineEntry } from '../../shared/types'
import type { RowSizes } from './row-sizes'

// Which timeline rows the virtualizer observes for their height, and the check of every
// row's height before it is first painted.
// An observed row is a ResizeObserver target: observed as it mounts, reported once laid
// out, unobserved as it goes. A fast scroll mounts a screen of rows in every frame, and
// that bookkeeping was the largest cost left in a scrolling frame (docs/BENCHMARKS.md).
// So while the list scrolls, rows are not observed. Every row that mounts, or shows
// another entry or shape, is checked once instead, in an animation frame callback: that
// runs after the scroll handlers that mounted it and before the frame's layout and paint,
// and reads the layout the frame computes anyway. A row unlike its estimate (a short text
// that still wraps) is corrected there and then, the list re-rendered at once, and the
// row observed from then on; a row like it is kept at that height. Once the list is
// still, every row on screen is observed, so whatever changes a row's height later (an
// edit box, the reaction picker, a quote that loads) is caught as it always was.
// The observer's own corrections reach the list a frame late (the virtualizer re-renders
// asynchronously); the check's do not, which is why rows observed at rest are checked too.

/** Below this, a checked height is the shape's height (sub-pixel layout). */
const SAME_HEIGHT_PX = 0.5
/**
 * A correction moves the rows after it, and may mount new ones to check: rounds of
 * checking within one frame, after which what is left waits for the next.
 */
const ROUNDS_PER_FRAME = 4

interface Seen {
  entry: TimelineEntry
  shape: string | undefined
}

export class RowWatch {
  virtualizer: Virtualizer<HTMLDivElement, Element> | null = null
  private readonly observed = new WeakSet<Element>()
  /** What an unobserved row showed when its height was last checked. */
  private readonly checked = new WeakMap<Element, Seen>()
  private readonly pending = new Map<HTMLElement, Seen>()
  private frame = 0
  private checking = false

  constructor(private readonly sizes: RowSizes) {}

  /**
   * After every commit of the list: rows are observed, or checked if they are new or
   * show something else than when they were checked. `rows` is the window the rows'
   * `data-index` counts in.
   */
  afterCommit(container: HTMLElement | null, rows: readonly TimelineEntry[]): void {
    const v = this.virtualizer
    if (!v || !container) return
    // Lets go of observed rows that unmounted.
    v.measureElement(null)
    for (const child of container.children) {
      const el = child as HTMLElement
      const at = el.dataset.index
      if (at === undefined) continue
      // Still: observed, so that whatever changes its height later is caught.
      if (!v.isScrolling && !this.observed.has(el)) this.observe(el)
      const entry = rows[Number(at)]
      const shape = el.dataset.shape
      const seen = this.checked.get(el)
      if (seen && seen.entry === entry && seen.shape === shape) continue
      this.pending.set(el, { entry, shape })
    }
    if (this.pending.size && !this.frame && !this.checking)
      this.frame = requestAnimationFrame(this.check)
  }

  /** Drops what was learned when the list's width changes: rows wrap differently. */
  watchWidth(list: HTMLElement): () => void {
    let width = list.clientWidth
    const observer = new ResizeObserver(() => {
      if (list.clientWidth === width) return
      width = list.clientWidth
      this.sizes.forget()
    })
    observer.observe(list)
    return () => {
      observer.disconnect()
      cancelAnimationFrame(this.frame)
      this.frame = 0
    }
  }

  private observe(el: HTMLElement): void {
    this.observed.add(el)
    this.virtualizer?.measureElement(el)
  }

  private readonly check = (): void => {
    this.frame = 0
    this.checking = true
    try {
      // The list re-renders at once after a correction, so that rows it moves into view
      // are checked in this frame too.
      for (let round = 0; round < ROUNDS_PER_FRAME && this.pending.size; round++)
        flushSync(() => this.checkPending())
    } finally {
      this.checking = false
    }
    if (this.pending.size) this.frame = requestAnimationFrame(this.check)
  }

  private checkPending(): void {
    const v = this.virtualizer
    const pending = [...this.pending]
    this.pending.clear()
    if (!v) return
    for (const [el, seen] of pending) {
      if (!el.isConnected) continue
      const i = Number(el.dataset.index)
      const item = v.measurementsCache[i]
      // The list moved on since the commit: the next commit looks at it again.
      if (!item || item.key !== el.dataset.key) continue
      const height = el.getBoundingClientRect().height
      if (seen.shape) this.sizes.learn(seen.shape, height)
      if (Math.abs(height - item.size) <= SAME_HEIGHT_PX) {
        // Kept at this height, as a measured row is: what its shape is estimated at may
        // change while it is on screen, and it is not observed.
        v.itemSizeCache.set(item.key, item.size)
        this.checked.set(el, seen)
        continue
      }
      // Unlike its estimate: corrected now, and watched for as long as it stays.
      v.resizeItem(i, height)
      this.checked.set(el, seen)
      if (!this.observed.has(el)) this.observe(el)
    }
  }
}

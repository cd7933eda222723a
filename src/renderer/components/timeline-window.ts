import { useCallback, useRef, useState } from 'react'
import type { TimelineEntry } from '../../shared/types'
import { lowerBoundByOrder } from '../../shared/order'

// The part of a loaded timeline handed to the virtualizer. A room's store may hold
// 100,000 entries once someone has read back that far, but every change to the
// virtualizer's list (a page arriving, a row measured) costs it a pass over all the
// rows after the change; so it only ever sees a window of at most WINDOW_MAX entries,
// which slides by WINDOW_STEP as the reader nears either of its edges. Pages of older
// history are loaded into the store ahead of the window, never into it while the reader
// is far from the oldest entries, so arriving pages cost the list nothing.
// The window is the newest WINDOW_MAX to WINDOW_MAX + WINDOW_STEP entries (following the
// room as messages arrive) unless the reader has slid it up; then it starts at the entry
// `top`.

export const WINDOW_MAX = 3000
export const WINDOW_STEP = 1000

export interface TimelineWindow {
  /** Index in the store's entries of the window's first and one past its last entry. */
  lo: number
  hi: number
  /** The window holds the newest entry. */
  atNewest: boolean
  /** Moves the window `by` entries (negative: older); returns whether it moved. */
  slide(by: number): boolean
  /** Moves the window so that it holds entries[index], about in its middle. */
  show(index: number): void
  /** Back to the newest entries. */
  toNewest(): void
}

/**
 * Where the window starts while it follows the newest entries. It keeps its first entry
 * as messages arrive, until it holds WINDOW_STEP more than WINDOW_MAX, and only then
 * lets WINDOW_STEP go at once: dropping one entry per arrival would move every row
 * on screen and have the virtualizer place them all again, for each message.
 */
function followStart(entries: TimelineEntry[], held: string | null): number {
  const count = entries.length
  const least = Math.max(0, count - WINDOW_MAX)
  if (held === null) return least
  const at = lowerBoundByOrder(entries, held)
  const kept = at < count && entries[at].order === held && at <= least
  return kept && count - at <= WINDOW_MAX + WINDOW_STEP ? at : least
}

export function useTimelineWindow(entries: TimelineEntry[]): TimelineWindow {
  const top = useRef<string | null>(null)
  // While following the newest entries: the order of the window's first entry.
  const held = useRef<string | null>(null)
  const [, rerender] = useState(0)
  const count = entries.length
  let lo: number
  if (top.current === null) {
    lo = followStart(entries, held.current)
    held.current = count > 0 ? entries[lo].order : null
  } else lo = lowerBoundByOrder(entries, top.current)
  const hi = top.current === null ? count : Math.min(count, lo + WINDOW_MAX)

  const moveTo = useCallback(
    (start: number): boolean => {
      const n = entries.length
      const next = Math.max(0, Math.min(start, n - WINDOW_MAX))
      const newest = next + WINDOW_MAX >= n
      const order = newest ? null : entries[next].order
      if (order === top.current) return false
      top.current = order
      rerender((x) => x + 1)
      return true
    },
    [entries],
  )
  const slide = useCallback((by: number) => moveTo(lo + by), [moveTo, lo])
  const show = useCallback(
    (index: number) => {
      if (index < lo || index >= hi) moveTo(index - WINDOW_MAX / 2)
    },
    [moveTo, lo, hi],
  )
  const toNewest = useCallback(() => {
    if (top.current === null) return
    top.current = null
    rerender((x) => x + 1)
  }, [])
  return { lo, hi, atNewest: hi === count, slide, show, toNewest }
}

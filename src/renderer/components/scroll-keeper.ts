import type { Virtualizer } from '@tanstack/react-virtual'
import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import type { TimelineEntry } from '../../shared/types'
import type { AppStore } from '../store/app-store'
import { lowerBoundByOrder } from '../../shared/order'

// Keeps the reader's place in a timeline whose rows arrive anywhere: live messages at
// the end, pages of history at the start, during catch-up older entries in the middle,
// and whole stretches as the window of rows slides (timeline-window.ts). Two rules:
//   - a reader at the newest message stays at the newest message;
//   - any other reader keeps the row at the top of the view exactly where it was.
// The new position is decided while rendering, so the virtualizer computes the rows of
// the new position in the same pass and no frame ever paints the rows of the old one;
// the element is scrolled there in a layout effect, before paint.
// "At the end" changes only on scroll events, and "away" only when the reader moves up:
// between an append and the layout that follows it the list is briefly short of its
// end, and judging by position then would drop a new-messages line into a burst.

const AT_END_PX = 48

interface Anchor {
  order: string
  /** Pixels from the anchor row's top to the top of the view. */
  offset: number
}

export function useScrollKeeper(opts: {
  virtualizer: Virtualizer<HTMLDivElement, Element>
  scrollRef: RefObject<HTMLDivElement | null>
  /** The rows the virtualizer holds (a window of the timeline). */
  entries: TimelineEntry[]
  /** The rows end with the newest entry of the room. */
  atNewest: boolean
  store: AppStore
  /** After each scroll: load or slide what the reader is getting close to. */
  onMove: () => void
  onAtEnd: () => void
}): { onScroll: () => void; awayFromEnd: boolean } {
  const { virtualizer, scrollRef, entries, atNewest, store, onMove, onAtEnd } = opts
  const anchor = useRef<Anchor | null>(null)
  const pending = useRef<number | null>(null)
  const lastTop = useRef(0)
  const [awayFromEnd, setAwayFromEnd] = useState(false)
  // Mirrors awayFromEnd so scroll events set state only when it changes: unchanged
  // setState calls still render, and a burst would chain them into React's limit.
  const away = useRef(false)
  const seen = useRef({ first: entries[0]?.id, count: entries.length })

  const el = scrollRef.current
  const first = entries[0]?.id
  if (el && (first !== seen.current.first || entries.length !== seen.current.count)) {
    seen.current = { first, count: entries.length }
    const total = virtualizer.getTotalSize() // also refreshes measurementsCache
    let target: number | null = null
    if (store.atBottom) target = Math.max(0, total - el.clientHeight)
    else if (anchor.current) {
      const item = virtualizer.measurementsCache[lowerBoundByOrder(entries, anchor.current.order)]
      if (item) target = item.start + anchor.current.offset
    }
    if (target !== null && Math.abs(target - el.scrollTop) > 0.5) {
      virtualizer.scrollOffset = target
      pending.current = target
    }
  }

  useLayoutEffect(() => {
    const node = scrollRef.current
    if (pending.current === null || !node) return
    node.scrollTop = pending.current
    lastTop.current = node.scrollTop
    pending.current = null
  })

  const onScroll = useCallback(() => {
    const node = scrollRef.current
    if (!node) return
    const top = node.scrollTop
    const atEnd = atNewest && node.scrollHeight - top - node.clientHeight <= AT_END_PX
    const movedUp = top < lastTop.current - 0.5
    lastTop.current = top
    if (atEnd) store.atBottom = true
    else if (movedUp) store.atBottom = false
    const item = virtualizer.getVirtualItemForOffset(top)
    const entry = item ? entries[item.index] : undefined
    anchor.current = entry && item ? { order: entry.order, offset: top - item.start } : null
    if (away.current !== !store.atBottom) {
      away.current = !store.atBottom
      setAwayFromEnd(away.current)
    }
    if (store.atBottom) onAtEnd()
    onMove()
  }, [scrollRef, store, virtualizer, entries, atNewest, onAtEnd, onMove])

  // Rows measured larger than estimated, a grown composer, a resized window: whoever
  // was at the end stays there.
  useLayoutEffect(() => {
    const node = scrollRef.current
    const inner = node?.firstElementChild
    if (!node || !inner) return
    const stick = () => {
      if (store.atBottom) {
        node.scrollTop = node.scrollHeight - node.clientHeight
        lastTop.current = node.scrollTop
      }
    }
    const observer = new ResizeObserver(stick)
    observer.observe(node)
    observer.observe(inner)
    return () => observer.disconnect()
  }, [scrollRef, store])

  return { onScroll, awayFromEnd }
}

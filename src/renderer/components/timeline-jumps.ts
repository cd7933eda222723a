import type { Virtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useRef } from 'react'
import type { TimelineEntry } from '../../shared/types'
import type { AppStore } from '../store/app-store'
import type { TimelineWindow } from './timeline-window'

// Jumps in the timeline: to the newest entry (End, the "Latest" button, sending) and to
// a loaded entry (reply quotes, search hits: the store loads it first). A jump to an
// entry outside the window moves the window first, then scrolls once its rows are laid
// out. Registers both with the store, which the rest of the app calls. The newest is the
// real end of the list (scrollToEnd): index-aligned, it stopped short of the end padding,
// and the scroll keeper then moved it again.

/** Returns the jump to the newest entry. */
export function useTimelineJumps(opts: {
  store: AppStore
  entries: TimelineEntry[]
  /** The window's rows (entries[win.lo .. win.hi)). */
  rows: TimelineEntry[]
  win: TimelineWindow
  virtualizer: Virtualizer<HTMLDivElement, Element>
}): () => void {
  const { store, entries, rows, win, virtualizer } = opts
  const count = rows.length
  const jumpTo = useRef<string | 'newest' | null>(null)
  useLayoutEffect(() => {
    const target = jumpTo.current
    if (target === null) return
    if (target === 'newest') {
      if (!win.atNewest) return
      if (count > 0) virtualizer.scrollToEnd()
    } else {
      const i = rows.findIndex((e) => e.id === target)
      if (i < 0) return
      virtualizer.scrollToIndex(i, { align: 'center' })
    }
    jumpTo.current = null
  })

  const latest = useRef(() => {})
  latest.current = () => {
    jumpTo.current = 'newest'
    if (!win.atNewest) {
      store.atBottom = true
      win.toNewest()
    } else if (count > 0) {
      virtualizer.scrollToEnd()
      jumpTo.current = null
    }
  }
  useEffect(() => {
    store.jumpToLatest = () => latest.current()
    return () => {
      store.jumpToLatest = () => {}
    }
  }, [store])

  const toEntry = useRef((_id: string) => {})
  toEntry.current = (id) => {
    const i = entries.findIndex((e) => e.id === id)
    if (i < 0) return
    if (i >= win.lo && i < win.hi) virtualizer.scrollToIndex(i - win.lo, { align: 'center' })
    else {
      jumpTo.current = id
      win.show(i)
    }
  }
  useEffect(() => {
    store.scrollToEntry = (id) => toEntry.current(id)
    return () => {
      store.scrollToEntry = () => {}
    }
  }, [store])

  return useRef(() => latest.current()).current
}

import type { Virtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef, type RefObject } from 'react'
import type { RoomInfo } from '../../shared/types'
import type { AppStore } from '../store/app-store'
import type { RoomTimeline } from '../store/timeline'
import { WINDOW_STEP, type TimelineWindow } from './timeline-window'
import { onIdle } from '../store/idle'

// What the timeline does as the reader moves and as entries arrive: keeps PREFETCH_ROWS
// of history loaded above the reader, so scrolling up never waits at a loading line for
// the engine, slides the window before its edge, and marks the room read while the
// reader is at the end. The work that reads the layout or places thousands of rows
// waits for the frame being drawn to be painted, so it never lands in the middle of
// React's commit or in a frame that already mounts a screen of new rows.

/** Entries loaded ahead of the reader: older pages are asked for this far above the view. */
const PREFETCH_ROWS = 2500
/** The first prefetch waits at most this long for an idle moment after the first paint. */
const IDLE_TIMEOUT_MS = 250
/** The window slides this close to its top or bottom edge (in screens). */
const SLIDE_SCREENS = 4

/** Runs `fn` once the next frame has been painted; returns a cancel function. */
export function afterPaint(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const frame = requestAnimationFrame(() => (timer = setTimeout(fn, 0)))
  return () => {
    cancelAnimationFrame(frame)
    clearTimeout(timer)
  }
}

/** The first frame painted, once the page has nothing more urgent to do (or `timeoutMs` passed). */
export function afterIdle(fn: () => void, timeoutMs = IDLE_TIMEOUT_MS): () => void {
  let cancelIdle = () => {}
  const cancel = afterPaint(() => (cancelIdle = onIdle(fn, timeoutMs)))
  return () => {
    cancel()
    cancelIdle()
  }
}

/** Returns the list's after-scroll callback (for useScrollKeeper's onMove). */
export function useTimelineFollow(opts: {
  room: RoomInfo
  store: AppStore
  timeline: RoomTimeline
  version: number
  win: TimelineWindow
  virtualizer: Virtualizer<HTMLDivElement, Element>
  scrollRef: RefObject<HTMLDivElement | null>
}): () => void {
  const { room, store, timeline, version, win, virtualizer, scrollRef } = opts
  const { lo } = win
  const follow = useRef((_slideNow?: boolean) => {})
  // Not before the first rows are on screen and the page is idle: a page of history
  // asked for meanwhile would hold up the first frame, or the first input after it.
  const painted = useRef(false)
  useEffect(
    () =>
      afterIdle(() => {
        painted.current = true
        follow.current()
      }),
    [],
  )
  // Called first thing on a scroll event, when reading the element costs no layout;
  // the list's height comes from the virtualizer, which knows it without one. A slide
  // asked for there waits for that frame to be painted (the edge is screens away).
  const sliding = useRef<(() => void) | null>(null)
  follow.current = (slideNow = true) => {
    const el = scrollRef.current
    if (!el || !painted.current) return
    const top = el.scrollTop
    const height = el.clientHeight
    const first = virtualizer.getVirtualItemForOffset(top)?.index ?? 0
    if (lo + first < PREFETCH_ROWS && timeline.hasMore && !timeline.loading)
      void store.loadOlder(room.key)
    const edge = height * SLIDE_SCREENS
    const by =
      top < edge && lo > 0
        ? -WINDOW_STEP
        : virtualizer.getTotalSize() - top - height < edge && !win.atNewest
          ? WINDOW_STEP
          : 0
    if (by === 0) return
    if (slideNow) win.slide(by)
    else
      sliding.current ??= afterPaint(() => {
        sliding.current = null
        follow.current()
      })
  }

  // New entries and finished pages: mark them read if the reader is at the end, and keep
  // loading while the reader is still near the oldest loaded entries, once the frame
  // showing the change is painted (read in the commit, the scroll position would lay the
  // page out a second time before the new row could be drawn). One at a time: a burst of
  // arrivals must not keep putting it off.
  const following = useRef<(() => void) | null>(null)
  useEffect(() => {
    if (store.atBottom) store.noteSeen(room.key)
    following.current ??= afterPaint(() => {
      following.current = null
      follow.current()
    })
  }, [version, lo, room.unread, store, room.key])
  useEffect(
    () => () => {
      following.current?.()
      sliding.current?.()
    },
    [],
  )
  return useCallback(() => follow.current(false), [])
}

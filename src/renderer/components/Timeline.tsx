import { useLayoutEffect, useRef, useSyncExternalStore, type ReactElement } from 'react'
import type { RoomInfo, TimelineEntry } from '../../shared/types'
import { useStore } from '../store/hooks'
import { TimelineList } from './TimelineList'
import { TimelineStart } from './TimelineStart'

// A room's timeline: a loading line until the first page of history is in, then the
// virtualized list, mounted with its scroll position already at the newest message.
// The loading line's box is the list's: its size, as last laid out, is handed to the
// list, whose first render then holds exactly the rows in view at the newest message
// (guessing from the window's size, it mounted rows that the first scroll took away).
export function Timeline(props: {
  room: RoomInfo
  editingId: string | null
  onEdit: (entry: TimelineEntry) => void
}): ReactElement {
  const store = useStore()
  const timeline = store.timeline(props.room.key)
  // Only the first page matters here; the list itself follows every change.
  const loaded = useSyncExternalStore(timeline.subscribe, () => timeline.loaded)
  const box = useRef<HTMLDivElement>(null)
  const size = useRef<{ width: number; height: number } | null>(null)
  useLayoutEffect(() => {
    const el = box.current
    if (!el) return
    // Reported after layout, so reading it never lays the page out.
    const observer = new ResizeObserver(([e]) => {
      const { width, height } = e.contentRect
      if (width > 0 && height > 0) size.current = { width, height }
    })
    observer.observe(el)
    return () => observer.disconnect()
  }, [loaded])
  if (loaded) return <TimelineList {...props} initialSize={size.current} />
  return (
    <div className="timeline-wrap">
      <div className="timeline" data-testid="timeline" ref={box}>
        <div className="timeline-inner">
          <TimelineStart room={props.room} loading more />
        </div>
      </div>
    </div>
  )
}

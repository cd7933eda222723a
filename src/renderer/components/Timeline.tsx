import { useSyncExternalStore, type ReactElement } from 'react'
import type { RoomInfo, TimelineEntry } from '../../shared/types'
import { useStore } from '../store/hooks'
import { TimelineList } from './TimelineList'
import { TimelineStart } from './TimelineStart'

// A room's timeline: a loading line until the first page of history is in, then the
// virtualized list, mounted with its scroll position already at the newest message.
export function Timeline(props: {
  room: RoomInfo
  editingId: string | null
  onEdit: (entry: TimelineEntry) => void
}): ReactElement {
  const store = useStore()
  const timeline = store.timeline(props.room.key)
  // Only the first page matters here; the list itself follows every change.
  const loaded = useSyncExternalStore(timeline.subscribe, () => timeline.loaded)
  if (loaded) return <TimelineList {...props} />
  return (
    <div className="timeline-wrap">
      <div className="timeline" data-testid="timeline">
        <div className="timeline-inner">
          <TimelineStart room={props.room} loading more />
        </div>
      </div>
    </div>
  )
}

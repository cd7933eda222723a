import type { ReactElement } from 'react'
import type { RoomInfo } from '../../shared/types'
import { Icon } from './icons'

/** Above the oldest loaded message: a loading line, or the beginning of the room. */
export function TimelineStart({
  room,
  loading,
  more,
}: {
  room: RoomInfo
  loading: boolean
  more: boolean
}): ReactElement {
  if (more) {
    return (
      <div className="timeline-start loading" data-testid="history-loading">
        {loading ? <span className="spinner" /> : null}
        <span className="muted">{loading ? 'Loading earlier messages…' : ' '}</span>
      </div>
    )
  }
  return (
    <div className="timeline-start" data-testid="timeline-start">
      <div className="start-icon">
        <Icon name="hash" size={26} />
      </div>
      <h2>This is the beginning of #{room.name}</h2>
      <p className="muted">
        Messages here live only on the devices of the people in this room. Share the invite to bring
        someone in.
      </p>
    </div>
  )
}

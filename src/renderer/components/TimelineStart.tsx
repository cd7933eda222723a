import { useEffect, useRef, useState, type ReactElement, type RefObject } from 'react'
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
  const line = useRef<HTMLDivElement>(null)
  const inView = useInView(line, more && loading)
  if (more) {
    return (
      <div className="timeline-start loading" data-testid="history-loading" ref={line}>
        {loading && inView ? <span className="spinner" /> : null}
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

/**
 * Whether `el` is on screen. The spinner turns only then: this line sits above the loaded
 * rows, mostly far out of view while the reader scrolls through history, and a running
 * animation there still cost the compositor every frame (docs/BENCHMARKS.md).
 */
function useInView(el: RefObject<HTMLElement | null>, watch: boolean): boolean {
  const [inView, setInView] = useState(false)
  useEffect(() => {
    const target = el.current
    if (!watch || !target) return
    const observer = new IntersectionObserver(([entry]) => setInView(entry.isIntersecting))
    observer.observe(target)
    return () => observer.disconnect()
  }, [el, watch])
  return inView
}

import { useEffect, useState, type ReactElement } from 'react'
import type { Finding } from '../../shared/types'
import { plural } from '../format'

/** How often the "last try … ago" figure is redrawn. */
const TICK_MS = 1000

/** "4 s", "2 min", "3 h": how long ago `ms` was, coarsely. */
export function agoLabel(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min`
  return `${Math.floor(s / 3600)} h`
}

// While the open room has no peer: says so, and what the engine is trying (a lookup of the
// room on the DHT, and when the last one started). The status region changes only when a
// lookup starts; the ticking "ago" is for the eye, hidden from screen readers so they are
// not told every second.
export function FindingStatus(props: { finding: Finding }): ReactElement {
  const { finding } = props
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS)
    return () => clearInterval(timer)
  }, [])
  const at = new Date(finding.lastAttempt).toLocaleTimeString()
  return (
    <span
      className="pill finding"
      role="status"
      data-testid="room-finding"
      data-attempts={finding.attempts}
      title={`No member connected. Looking the room up on the DHT since ${new Date(finding.since).toLocaleTimeString()}: ${plural(finding.attempts, 'lookup')} so far.`}
    >
      <span className="finding-spinner" aria-hidden="true" />
      Looking for members…
      <span className="finding-ago" aria-hidden="true">
        last try {agoLabel(finding.lastAttempt, now)} ago
      </span>
      <span className="visually-hidden">
        {plural(finding.attempts, 'lookup')}, the last at {at}
      </span>
    </span>
  )
}

import type { ReactElement } from 'react'
import { displayFileName } from '../../shared/names'
import type { TimelineEntry } from '../../shared/types'
import { Icon } from './icons'

// EXTENSION POINT (files issue): file and voice-note entries. Download progress,
// open/save and the audio player land here once the engine exposes file commands;
// until then the card shows what the entry announces and nothing is fetched.
export function FileCard({ entry }: { entry: TimelineEntry }): ReactElement {
  const file = entry.file
  const name = file ? displayFileName(file.name) : 'file'
  return (
    <div className="file-card" data-testid="file-card" data-kind={entry.kind}>
      <span className="file-icon">
        <Icon name={entry.kind === 'audio' ? 'clock' : 'copy'} size={18} />
      </span>
      <span className="file-text">
        <span className="file-name">{entry.kind === 'audio' ? 'Voice note' : name}</span>
        <span className="muted small">
          {entry.kind === 'audio' ? formatDuration(entry.duration) : formatBytes(file?.size ?? 0)}
        </span>
      </span>
    </div>
  )
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

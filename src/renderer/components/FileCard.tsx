import { useState, type ReactElement } from 'react'
import { displayFileName } from '../../shared/names'
import type { TimelineEntry } from '../../shared/types'
import { message } from '../store/app-store'
import { useFileProgress, useFileUrl, useFiles } from '../store/file-hooks'
import { Icon, type IconName } from './icons'

// File and voice-note entries. The name is a peer's display name only (never a path).
// Bytes are fetched on request (files) or by themselves (voice notes); the card follows
// 'file:progress' while they come, then shows an image preview or an audio player.
// A 'broken' file (bytes do not match the entry) is never shown or offered.

const PREVIEW = /^image\/(png|jpeg|gif|webp|avif|bmp)$/u

export function FileCard({ entry }: { entry: TimelineEntry }): ReactElement {
  const files = useFiles()
  const file = entry.file
  const name = file ? displayFileName(file.name) : 'file'
  const progress = useFileProgress(entry.id)
  const [error, setError] = useState<string | null>(null)
  const [asked, setAsked] = useState(false)
  const state = entry.fileState ?? 'remote'
  const ready = state === 'ready'
  const broken = state === 'broken'
  const running = !ready && !broken && (state === 'downloading' || asked || !!progress)
  const audio = entry.kind === 'audio'
  const image = !audio && !!file && PREVIEW.test(file.type)
  const url = useFileUrl(entry.room, entry.id, ready && (audio || image))
  const pct =
    progress && progress.total > 0 ? Math.min(100, (progress.done / progress.total) * 100) : 0

  const download = async () => {
    setError(null)
    setAsked(true)
    try {
      await files.download(entry.room, entry.id)
    } catch (err) {
      setError(message(err))
    } finally {
      setAsked(false)
    }
  }
  const save = async () => {
    setError(null)
    try {
      await files.save(entry.room, entry.id, name)
    } catch (err) {
      setError(message(err))
    }
  }

  return (
    <div
      className={`file-card${broken ? ' broken' : ''}${audio ? ' audio' : ''}`}
      data-testid="file-card"
      data-kind={entry.kind}
      data-state={running ? 'downloading' : state}
    >
      {image && url ? (
        <a className="file-preview" href={url} target="_blank" rel="noopener noreferrer">
          <img src={url} alt={name} data-testid="file-image" draggable={false} />
        </a>
      ) : null}
      <div className="file-row">
        <span className="file-icon">
          <Icon name={broken ? 'alert' : iconFor(entry)} size={18} />
        </span>
        <span className="file-text">
          <span className="file-name" data-testid="file-name" title={name}>
            {audio ? 'Voice note' : name}
          </span>
          <span className="muted small" data-testid="file-size">
            {audio
              ? `${formatDuration(entry.duration)} · ${formatBytes(file?.size ?? 0)}`
              : formatBytes(file?.size ?? 0)}
            {running && progress ? ` · ${Math.round(pct)}%` : ''}
          </span>
        </span>
        {!audio && !broken ? (
          <span className="file-actions">
            {!ready && !running ? (
              <button className="btn small" data-testid="file-download" onClick={download}>
                <Icon name="down" size={14} /> Download
              </button>
            ) : null}
            {ready ? (
              <button className="btn small" data-testid="file-save" onClick={save}>
                <Icon name="save" size={14} /> Save
              </button>
            ) : null}
          </span>
        ) : null}
      </div>
      {running ? (
        <div
          className="file-progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(pct)}
          data-testid="file-progress"
        >
          <span style={{ width: `${pct}%` }} />
        </div>
      ) : null}
      {audio && ready && url ? (
        <audio
          className="file-audio"
          controls
          preload="metadata"
          src={url}
          data-testid="file-audio"
        />
      ) : null}
      {broken ? (
        <p className="file-broken" role="alert" data-testid="file-broken">
          The received bytes do not match what was sent; this file cannot be opened.
        </p>
      ) : null}
      {error ? (
        <p className="file-error" role="alert" data-testid="file-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}

function iconFor(entry: TimelineEntry): IconName {
  if (entry.kind === 'audio') return 'mic'
  const type = entry.file?.type ?? ''
  if (type.startsWith('image/')) return 'image'
  if (type.startsWith('audio/')) return 'music'
  return 'file'
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

import { useEffect, useState, type ReactElement } from 'react'
import type { TimelineEntry } from '../../shared/types'
import { useStore } from '../store/hooks'
import { Icon } from './icons'

// The quoted message above a reply: its author and first line. The quoted entry may be
// far back in history, so it is fetched by id; a click jumps to it, loading history.

export function firstLine(entry: TimelineEntry): string {
  if (entry.deleted) return 'Message deleted'
  if (entry.kind === 'audio') return 'Voice note'
  if (entry.kind === 'file') return `File: ${entry.file?.name ?? 'attachment'}`
  return entry.text.split('\n').find((l) => l.trim()) ?? ''
}

export function ReplyQuote(props: { room: string; id: string }): ReactElement {
  const store = useStore()
  const [quoted, setQuoted] = useState<TimelineEntry | null | undefined>(undefined)
  useEffect(() => {
    let live = true
    void store.quote(props.room, props.id).then((q) => live && setQuoted(q))
    return () => {
      live = false
    }
  }, [store, props.room, props.id])
  return (
    <button
      className="reply-quote"
      data-testid="reply-quote"
      data-target={props.id}
      title="Show the original message"
      onClick={() => void store.jumpTo(props.room, props.id)}
    >
      <Icon name="reply" size={13} />
      {quoted ? (
        <>
          <span className="reply-author" data-testid="reply-author">
            {quoted.authorName}
          </span>
          <span className="reply-line" data-testid="reply-line">
            {firstLine(quoted)}
          </span>
        </>
      ) : (
        <span className="reply-line muted">
          {quoted === null ? 'Original message not available here' : '…'}
        </span>
      )}
    </button>
  )
}

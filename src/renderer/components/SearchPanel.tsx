import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react'
import type { SearchHit } from '../../shared/types'
import { formatFull } from '../format'
import { message } from '../store/app-store'
import { useStore } from '../store/hooks'
import { Icon } from './icons'

// The search box of a room: full-text search over its history on disk (the engine's
// MiniSearch index). Each hit shows who, when and the words around the match; a click
// jumps to the message, loading history as far back as it is.

export function SearchPanel(props: { room: string; onClose: () => void }): ReactElement {
  const store = useStore()
  const [query, setQuery] = useState('')
  const [hits, setHits] = useState<SearchHit[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.focus(), [])

  const run = async (ev: FormEvent) => {
    ev.preventDefault()
    if (!query.trim()) return
    setBusy(true)
    setError(null)
    try {
      setHits(await store.api.search({ room: props.room, query }))
    } catch (err) {
      setHits(null)
      setError(message(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section
      className="search-panel"
      data-testid="search-panel"
      aria-label="Search this room"
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onClose()
      }}
    >
      <form className="search-form" role="search" onSubmit={(e) => void run(e)}>
        <Icon name="search" size={16} />
        <input
          ref={input}
          type="search"
          data-testid="search-input"
          aria-label="Search messages"
          placeholder="Search messages"
          value={query}
          maxLength={200}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button className="btn subtle small" type="submit" disabled={busy || !query.trim()}>
          Search
        </button>
        <button
          className="icon-btn"
          type="button"
          aria-label="Close search"
          onClick={props.onClose}
        >
          <Icon name="x" size={14} />
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert" data-testid="search-error">
          {error}
        </p>
      ) : null}
      {hits ? (
        <ol className="search-results" data-testid="search-results" aria-live="polite">
          {hits.length === 0 ? <li className="muted">No messages match.</li> : null}
          {hits.map((hit) => (
            <li key={hit.entry.id}>
              <button
                className="search-hit"
                data-testid="search-hit"
                onClick={() => {
                  void store.jumpTo(props.room, hit.entry.id)
                  props.onClose()
                }}
              >
                <span className="search-hit-meta">
                  <span className="author">{hit.entry.authorName}</span>
                  <time dateTime={new Date(hit.entry.time).toISOString()}>
                    {formatFull(hit.entry.time)}
                  </time>
                </span>
                <span className="search-hit-text">{marked(hit.excerpt, hit.terms)}</span>
              </button>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  )
}

/** The excerpt with the matched words in <mark>, as React text: never HTML. */
function marked(text: string, terms: string[]): ReactElement[] {
  const words = terms.filter(Boolean).map((t) => t.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'))
  if (!words.length) return [<span key="0">{text}</span>]
  const re = new RegExp(`(${words.join('|')})`, 'giu')
  return text
    .split(re)
    .map((part, i) => (i % 2 ? <mark key={i}>{part}</mark> : <span key={i}>{part}</span>))
}

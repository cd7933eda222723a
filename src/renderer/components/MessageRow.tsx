import { memo, useEffect, useRef, useState, type MouseEvent, type ReactElement } from 'react'
import { fingerprint } from '../../shared/roomkey'
import type { TimelineEntry } from '../../shared/types'
import { copyText } from '../clipboard'
import { dayLabel, formatFull, formatTime } from '../format'
import { safeLink } from '../links'
import { isEmojiOnly, isPlainText, renderMarkdown } from '../markdown'
import { Avatar } from './Avatar'
import { FileCard } from './FileCard'
import { Icon } from './icons'
import { EmojiPicker, ReactionBar } from './Reactions'
import { ReplyQuote } from './ReplyQuote'

export interface RowActions {
  edit(entry: TimelineEntry): void
  remove(entry: TimelineEntry): Promise<void>
  /** `deceptive` says why the link's text could mislead: then the reader is asked first. */
  openLink(url: string, deceptive: string | null): void
  reply(entry: TimelineEntry): void
  react(entry: TimelineEntry, emoji: string): void
}

interface Props {
  entry: TimelineEntry
  /** First of a run by one author: shows avatar, name and time. */
  head: boolean
  /** First entry of a calendar day: a day separator goes above it. */
  day: boolean
  /** Set on the first unread entry: the "N new messages" line goes above it. */
  newCount: number | null
  editing: boolean
  /** A jump (reply quote, search hit) landed here: highlighted for a moment. */
  jumped?: boolean
  actions: RowActions
}

// One timeline entry. Memoised: rows re-render only when their entry or grouping
// changes, never because the list scrolled.
export const MessageRow = memo(function MessageRow(props: Props): ReactElement {
  const { entry, head, editing, actions } = props
  const [confirming, setConfirming] = useState(false)
  const [picking, setPicking] = useState(false)
  // The toolbar exists only for the row under the pointer or focus: rendering it on
  // every row would multiply the DOM of a long timeline.
  const [active, setActive] = useState(false)
  const article = useRef<HTMLElement>(null)
  const editable = entry.own && !entry.deleted && entry.kind === 'text'

  const onBodyClick = (ev: MouseEvent<HTMLDivElement>) => {
    const anchor = (ev.target as Element).closest('a')
    if (!anchor) return
    ev.preventDefault()
    const href = anchor.getAttribute('href') ?? ''
    if (safeLink(href)) actions.openLink(href, anchor.getAttribute('data-deceptive'))
  }
  // The toolbar's buttons come and go under the focus: keep it on the message.
  const settle = () => article.current?.focus({ preventScroll: true })
  const confirmButton = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (confirming) confirmButton.current?.focus()
  }, [confirming])

  return (
    <>
      {props.day ? (
        <div className="day-divider" role="separator" data-testid="day-divider">
          <span>{dayLabel(entry.time)}</span>
        </div>
      ) : null}
      {props.newCount !== null ? (
        <div className="new-divider" role="separator" data-testid="new-messages-divider">
          <span>{props.newCount === 1 ? '1 new message' : `${props.newCount} new messages`}</span>
        </div>
      ) : null}
      <article
        ref={article}
        // Reachable with the arrow keys from the timeline (TimelineList), not with Tab.
        tabIndex={-1}
        className={`message${head ? ' head' : ''}${entry.own ? ' own' : ''}${editing ? ' editing' : ''}${entry.deleted ? ' deleted' : ''}${entry.mentioned ? ' mentioned' : ''}${props.jumped ? ' jumped' : ''}`}
        data-testid="message"
        data-id={entry.id}
        data-own={entry.own ? 'true' : 'false'}
        data-mentioned={entry.mentioned ? 'true' : undefined}
        onMouseEnter={() => setActive(true)}
        onMouseLeave={() => setActive(false)}
        onFocus={() => setActive(true)}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setActive(false)
        }}
      >
        {head ? (
          <div className="message-gutter">
            <Avatar name={entry.authorName} memberKey={entry.author} room={entry.room} size={36} />
          </div>
        ) : active ? (
          // Shown on hover only (timeline.css): rows mount without it, a screen of them
          // in every frame while scrolling.
          <div className="message-gutter">
            <time
              className="gutter-time"
              dateTime={new Date(entry.time).toISOString()}
              title={formatFull(entry.time)}
            >
              {formatTime(entry.time)}
            </time>
          </div>
        ) : null}
        <div className="message-main">
          {head ? (
            <div className="message-meta">
              <span className="author" data-testid="message-author">
                {entry.authorName}
              </span>
              {entry.authorBot ? (
                <span className="tag bot" data-testid="bot-badge" title="This member is a bot">
                  BOT
                </span>
              ) : null}
              <span className="author-key mono" title={entry.author}>
                {fingerprint(entry.author)}
              </span>
              <time dateTime={new Date(entry.time).toISOString()} title={formatFull(entry.time)}>
                {formatTime(entry.time)}
              </time>
            </div>
          ) : null}
          {entry.late ? (
            // A back-dated entry cannot pass as old history: it says when it really came.
            <div className="arrived-late" data-testid="arrived-late">
              Arrived late: dated {formatFull(entry.time)}
            </div>
          ) : null}
          {entry.replyTo && !entry.deleted ? (
            <ReplyQuote room={entry.room} id={entry.replyTo} />
          ) : null}
          <MessageBody entry={entry} onClick={onBodyClick} />
          {!entry.deleted && entry.reactions?.length ? (
            <ReactionBar
              reactions={entry.reactions}
              onToggle={(emoji) => actions.react(entry, emoji)}
            />
          ) : null}
          {entry.own && entry.delivery && !entry.deleted ? <Delivery entry={entry} /> : null}
        </div>
        {picking ? (
          <EmojiPicker
            onPick={(emoji) => actions.react(entry, emoji)}
            onClose={() => setPicking(false)}
          />
        ) : null}
        {!entry.deleted && (active || confirming) ? (
          <div
            className={`message-actions${confirming ? ' confirming' : ''}`}
            role="toolbar"
            aria-label="Message actions"
          >
            {confirming ? (
              <>
                <span className="confirm-text">Delete for everyone?</span>
                <button
                  className="btn danger small"
                  data-testid="confirm-delete"
                  ref={confirmButton}
                  onClick={() => {
                    setConfirming(false)
                    settle()
                    void actions.remove(entry)
                  }}
                >
                  Delete
                </button>
                <button
                  className="btn ghost small"
                  onClick={() => {
                    setConfirming(false)
                    settle()
                  }}
                >
                  Cancel
                </button>
              </>
            ) : (
              <>
                <button
                  className="icon-btn"
                  title="Reply"
                  aria-label="Reply"
                  data-testid="reply-message"
                  onClick={() => actions.reply(entry)}
                >
                  <Icon name="reply" size={15} />
                </button>
                <button
                  className="icon-btn"
                  title="Add a reaction"
                  aria-label="Add a reaction"
                  aria-haspopup="menu"
                  aria-expanded={picking}
                  data-testid="react-message"
                  onClick={() => setPicking((p) => !p)}
                >
                  <Icon name="smile" size={15} />
                </button>
                {entry.kind === 'text' ? (
                  <button
                    className="icon-btn"
                    title="Copy text"
                    aria-label="Copy text"
                    data-testid="copy-message"
                    onClick={() => void copyText(entry.text)}
                  >
                    <Icon name="copy" size={15} />
                  </button>
                ) : null}
                {editable ? (
                  <button
                    className="icon-btn"
                    title="Edit"
                    aria-label="Edit message"
                    data-testid="edit-message"
                    onClick={() => actions.edit(entry)}
                  >
                    <Icon name="edit" size={15} />
                  </button>
                ) : null}
                {entry.own ? (
                  <button
                    className="icon-btn danger"
                    title="Delete"
                    aria-label="Delete message"
                    data-testid="delete-message"
                    onClick={() => setConfirming(true)}
                  >
                    <Icon name="trash" size={15} />
                  </button>
                ) : null}
              </>
            )}
          </div>
        ) : null}
      </article>
    </>
  )
})

function MessageBody({
  entry,
  onClick,
}: {
  entry: TimelineEntry
  onClick: (ev: MouseEvent<HTMLDivElement>) => void
}) {
  if (entry.deleted) {
    return (
      <div className="message-body deleted-mark" data-testid="deleted-mark">
        <Icon name="trash" size={14} /> Message deleted
      </div>
    )
  }
  if (entry.kind !== 'text') return <FileCard entry={entry} />
  const big = !isPlainText(entry.text) && isEmojiOnly(entry.text)
  return (
    // dir=auto and unicode-bidi: isolate (timeline.css): bidi controls in a message
    // cannot reorder anything outside it, such as the author's name or the time.
    <div
      className={`message-body${entry.edited ? ' marked' : ''}`}
      data-testid="message-body"
      dir="auto"
    >
      {isPlainText(entry.text) ? (
        // What markdown-it would make of it (one paragraph, whose margins are nil as
        // the only child), without parsing (markdown.ts).
        <div key="plain" className="markdown" onClick={onClick}>
          {entry.text}
        </div>
      ) : (
        <div
          key="markdown"
          className={`markdown${big ? ' emoji-only' : ''}`}
          onClick={onClick}
          // Safe: markdown-it with html:false and escaped highlight.js output (markdown.ts).
          dangerouslySetInnerHTML={{ __html: renderMarkdown(entry.text) }}
        />
      )}
      {entry.edited ? (
        <span className="edited-mark" data-testid="edited-mark">
          (edited)
        </span>
      ) : null}
    </div>
  )
}

function Delivery({ entry }: { entry: TimelineEntry }) {
  const d = entry.delivery!
  const reached = d.state === 'reached'
  return (
    <span
      className={`delivery ${d.state}`}
      data-testid="delivery"
      data-state={d.state}
      title={
        reached
          ? `Stored by ${d.peers} other member${d.peers === 1 ? '' : 's'}`
          : 'Saved on this device'
      }
    >
      <Icon name={reached ? 'checks' : 'check'} size={13} />
      {reached ? `reached ${d.peers}` : 'sent'}
    </span>
  )
}

import { useEffect, useRef, type ReactElement } from 'react'
import type { ReactionSummary } from '../../shared/types'

// Reactions under a message, and the picker that adds one. Each reaction is a toggle
// button: pressed when we reacted. Who reacted shows on hover and on keyboard focus
// (the same tooltip), and is in the button's accessible name.

export const DEFAULT_EMOJIS = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀']

function whoText(r: ReactionSummary): string {
  const names = r.who.map((w) => w.name)
  const more = r.count - names.length
  return names.join(', ') + (more > 0 ? ` and ${more} more` : '')
}

export function ReactionBar(props: {
  reactions: ReactionSummary[]
  onToggle: (emoji: string) => void
}): ReactElement | null {
  if (!props.reactions.length) return null
  return (
    <div className="reactions" data-testid="reactions">
      {props.reactions.map((r) => (
        <button
          key={r.emoji}
          className={`reaction${r.mine ? ' mine' : ''}`}
          data-testid="reaction"
          data-emoji={r.emoji}
          aria-pressed={r.mine}
          aria-label={`${r.emoji} ${r.count}: ${whoText(r)}`}
          onClick={() => props.onToggle(r.emoji)}
        >
          <span className="reaction-emoji">{r.emoji}</span>
          <span className="reaction-count" data-testid="reaction-count">
            {r.count}
          </span>
          <span className="reaction-who" role="tooltip" data-testid="reaction-who">
            {whoText(r)}
          </span>
        </button>
      ))}
    </div>
  )
}

export function EmojiPicker(props: {
  onPick: (emoji: string) => void
  onClose: () => void
}): ReactElement {
  const first = useRef<HTMLButtonElement>(null)
  useEffect(() => first.current?.focus(), [])
  return (
    <div
      className="emoji-picker"
      role="menu"
      aria-label="Add a reaction"
      data-testid="emoji-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onClose()
      }}
      onBlur={(e) => {
        // Focus went elsewhere (a click outside, Tab away): the picker goes.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) props.onClose()
      }}
    >
      {DEFAULT_EMOJIS.map((emoji, i) => (
        <button
          key={emoji}
          ref={i === 0 ? first : undefined}
          role="menuitem"
          className="emoji-choice"
          data-testid="emoji-choice"
          aria-label={`React with ${emoji}`}
          onClick={() => {
            props.onPick(emoji)
            props.onClose()
          }}
        >
          {emoji}
        </button>
      ))}
    </div>
  )
}

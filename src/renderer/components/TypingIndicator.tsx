import type { ReactElement } from 'react'
import { useAppState } from '../store/hooks'

const NONE: Array<{ key: string; name: string }> = []

/** "Ada is typing…" under the timeline: the engine drops it 5 s after the last keystroke. */
export function TypingIndicator({ room }: { room: string }): ReactElement {
  const typing = useAppState((s) => s.typing[room] ?? NONE)
  const names = typing.map((t) => t.name)
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length <= 3
          ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`
          : 'Several people are typing…'
  return (
    <div className="typing-indicator muted" data-testid="typing-indicator" aria-live="polite">
      {text}
    </div>
  )
}

import { useState, type ReactElement } from 'react'
import { fingerprint } from '../../shared/roomkey'
import type { Member } from '../../shared/types'
import { message } from '../store/app-store'
import { useAppState, useStore } from '../store/hooks'
import { Avatar } from './Avatar'
import { MemberMenu } from './MemberMenu'

const EMPTY: Member[] = []

// Names are chosen freely, so two members may share one: the key fingerprint beside
// each name tells them apart. Each other member has a menu to mute or block them here;
// the new state comes back with the engine's room update, like any other change.
export function MemberList({ room }: { room: string }): ReactElement {
  const store = useStore()
  const members = useAppState((s) => s.members[room] ?? EMPTY)
  const [error, setError] = useState<string | null>(null)
  const act = (what: Promise<void>) => {
    setError(null)
    what.catch((err) => setError(message(err)))
  }
  const sorted = [...members].sort(
    (a, b) =>
      Number(b.own) - Number(a.own) ||
      Number(b.online) - Number(a.online) ||
      a.name.localeCompare(b.name),
  )
  const online = members.filter((m) => m.online || m.own).length
  return (
    <aside className="members" data-testid="member-list" aria-label="Members">
      <header className="members-header">
        <h2>Members</h2>
        <span className="muted">
          {online} of {members.length} online
        </span>
      </header>
      {error ? (
        <p className="member-error" role="alert" data-testid="member-error">
          {error}
        </p>
      ) : null}
      <ul>
        {sorted.map((m) => (
          <li
            key={m.key}
            className={`member${m.online || m.own ? '' : ' away'}`}
            data-testid="member"
          >
            <Avatar
              name={m.name}
              memberKey={m.key}
              avatar={m.avatar}
              room={room}
              size={32}
              online={m.online || m.own}
            />
            <div className="member-text">
              <span className="member-name" data-testid="member-name">
                {m.name}
                {m.own ? <span className="tag">you</span> : null}
                {m.bot ? (
                  <span className="tag bot" data-testid="bot-badge" title="This member is a bot">
                    BOT
                  </span>
                ) : null}
              </span>
              <span className="member-key mono" title={m.key} data-testid="member-fingerprint">
                {fingerprint(m.key)}
              </span>
              <MemberNotes member={m} />
              {m.paused ? (
                <button
                  className="btn small subtle member-resume"
                  data-testid="member-resume"
                  aria-label={`Resume ${m.name}`}
                  onClick={() => act(store.resume(room, m.key))}
                >
                  Resume
                </button>
              ) : null}
            </div>
            {m.own ? null : (
              <MemberMenu
                member={m}
                onChoose={({ kind, on }) => act(store.moderate(room, m.key, kind, on))}
              />
            )}
          </li>
        ))}
      </ul>
    </aside>
  )
}

/**
 * What the engine found about a member that a reader should know: a name or picture that
 * copies another member's, local moderation, and a writer paused over its quota.
 */
function MemberNotes({ member: m }: { member: Member }): ReactElement | null {
  const notes: string[] = []
  if (m.sameNameAs) notes.push(`same name as ${m.sameNameAs}`)
  if (m.sameAvatarAs) notes.push(`same picture as ${m.sameAvatarAs}`)
  if (m.blocked) notes.push('blocked here')
  else if (m.muted) notes.push('muted here')
  if (m.paused) notes.push(`${m.name} is sending too much — paused`)
  // Not a warning like the notes above: shown apart, in the quiet colour.
  const seen = !m.online && !m.own && m.lastSeen ? `last seen ${ago(m.lastSeen)}` : null
  if (!notes.length && !seen) return null
  return (
    <span className="member-notes" data-testid="member-notes">
      {notes.join(' · ')}
      {seen ? (
        <span className="member-seen" data-testid="member-seen">
          {notes.length ? ' · ' : ''}
          {seen}
        </span>
      ) : null}
    </span>
  )
}

/** "just now", "5 min ago", "3 h ago", or the date: how long ago a member was heard of. */
function ago(ms: number): string {
  const minutes = Math.floor((Date.now() - ms) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`
  return new Date(ms).toLocaleDateString()
}

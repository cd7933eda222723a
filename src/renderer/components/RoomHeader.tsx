import { useEffect, useState, type ReactElement } from 'react'
import { fingerprint, inviteLink } from '../../shared/roomkey'
import type { RoomInfo } from '../../shared/types'
import { copyText } from '../clipboard'
import { plural } from '../format'
import { useAppState } from '../store/hooks'
import { FindingStatus } from './FindingStatus'
import { Icon } from './icons'

const COPIED_MS = 2000

export function RoomHeader(props: {
  room: RoomInfo
  membersOpen: boolean
  onToggleMembers: () => void
  searchOpen: boolean
  onToggleSearch: () => void
}): ReactElement {
  const { room } = props
  const memberCount = useAppState((s) => s.members[room.key]?.length ?? 0)
  const [copied, setCopied] = useState(false)
  const link = inviteLink(room.key)

  useEffect(() => {
    if (!copied) return
    const t = setTimeout(() => setCopied(false), COPIED_MS)
    return () => clearTimeout(t)
  }, [copied])

  return (
    <header className="room-header" data-testid="room-header" data-room-key={room.key}>
      <div className="room-title">
        <Icon name="hash" size={20} />
        <h1 data-testid="room-name">{room.name}</h1>
        <span className="room-key mono muted" title={`Room key ${room.key}`}>
          {fingerprint(room.key)}
        </span>
      </div>
      <div className="room-header-actions">
        {room.peers === 0 && room.finding ? (
          <FindingStatus finding={room.finding} />
        ) : (
          <span
            className={`pill${room.peers > 0 ? ' live' : ''}`}
            data-testid="room-peers"
            title="Members connected to you right now"
          >
            <span className={`status-dot ${room.peers > 0 ? 'online' : 'offline'}`} />
            {plural(room.peers, 'peer')} online
          </span>
        )}
        <button
          className="btn subtle"
          data-testid="copy-invite"
          title={`Copy the invite link: ${link}`}
          onClick={async () => setCopied(await copyText(link))}
        >
          <Icon name={copied ? 'check' : 'copy'} size={16} />
          {copied ? 'Copied' : 'Copy invite'}
        </button>
        <button
          className={`btn subtle${props.searchOpen ? ' pressed' : ''}`}
          data-testid="toggle-search"
          aria-pressed={props.searchOpen}
          aria-label="Search messages"
          title="Search messages"
          onClick={props.onToggleSearch}
        >
          <Icon name="search" size={16} />
        </button>
        <button
          className={`btn subtle${props.membersOpen ? ' pressed' : ''}`}
          data-testid="toggle-members"
          aria-pressed={props.membersOpen}
          title="Members"
          onClick={props.onToggleMembers}
        >
          <Icon name="users" size={16} />
          {memberCount || ''}
        </button>
      </div>
    </header>
  )
}

import { useState, type ReactElement } from 'react'
import { fingerprint } from '../../shared/roomkey'
import type { RoomInfo } from '../../shared/types'
import { useAppState, useStore } from '../store/hooks'
import { AvatarPicker } from './AvatarPicker'
import { ConnectionStatus } from './ConnectionStatus'
import { Icon, Logo } from './icons'
import { CreateRoomDialog, JoinRoomDialog } from './RoomDialogs'

export function Sidebar(): ReactElement {
  const rooms = useAppState((s) => s.rooms)
  const active = useAppState((s) => s.active)
  const profile = useAppState((s) => s.profile)
  // Members know you by your writer key in each room; show the one they see here.
  const roomKey = useAppState((s) =>
    s.active ? s.members[s.active]?.find((m) => m.own)?.key : undefined,
  )
  const [dialog, setDialog] = useState<'create' | 'join' | null>(null)

  return (
    <nav className="sidebar" aria-label="Rooms">
      <header className="sidebar-brand">
        <Logo size={26} />
        <span className="brand-name">LinkUp</span>
      </header>

      <div className="sidebar-section">
        <span className="section-title">Rooms</span>
        <div className="section-actions">
          <button
            className="icon-btn"
            title="Join a room by key or link"
            aria-label="Join a room"
            data-testid="join-room-button"
            onClick={() => setDialog('join')}
          >
            <Icon name="join" size={16} />
          </button>
          <button
            className="icon-btn"
            title="Create a room"
            aria-label="Create a room"
            data-testid="create-room-button"
            onClick={() => setDialog('create')}
          >
            <Icon name="plus" size={16} />
          </button>
        </div>
      </div>

      <ul className="room-list" data-testid="room-list">
        {rooms.map((room) => (
          <RoomItem key={room.key} room={room} active={room.key === active} />
        ))}
        {rooms.length === 0 ? <li className="room-list-empty muted">No rooms yet</li> : null}
      </ul>

      <footer className="sidebar-footer">
        <ConnectionStatus />
        {profile ? (
          <div className="me" data-testid="me">
            <AvatarPicker
              name={profile.name}
              memberKey={roomKey ?? profile.key}
              room={roomKey ? (active ?? undefined) : undefined}
              size={32}
              testId="me-avatar"
              // Failures show in the composer's upload list.
              onError={() => {}}
            />
            <div className="me-text">
              <span className="me-name">{profile.name}</span>
              <span
                className="me-key mono"
                title={roomKey ? `Your key in this room: ${roomKey}` : profile.key}
              >
                {fingerprint(roomKey ?? profile.key)}
              </span>
            </div>
          </div>
        ) : null}
      </footer>

      {dialog === 'create' ? <CreateRoomDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'join' ? <JoinRoomDialog onClose={() => setDialog(null)} /> : null}
    </nav>
  )
}

function RoomItem({ room, active }: { room: RoomInfo; active: boolean }): ReactElement {
  const store = useStore()
  // The open room is being read: its badge would only flicker until markRead lands.
  const unread = active ? 0 : room.unread
  return (
    <li>
      <button
        className={`room-item${active ? ' active' : ''}${unread ? ' has-unread' : ''}`}
        data-testid="room-item"
        data-room-key={room.key}
        aria-current={active ? 'page' : undefined}
        onClick={() => store.selectRoom(room.key)}
      >
        <Icon name="hash" size={16} />
        <span className="room-item-name">{room.name}</span>
        {room.peers > 0 ? <span className="room-peers-dot" title={`${room.peers} online`} /> : null}
        {unread > 0 ? (
          <span className="badge" data-testid="room-unread" aria-label={`${unread} unread`}>
            {unread > 999 ? '999+' : unread}
          </span>
        ) : null}
      </button>
    </li>
  )
}

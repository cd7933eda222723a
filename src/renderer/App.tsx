import { useCallback, useEffect, useState, type ReactElement } from 'react'
import type { TimelineEntry } from '../shared/types'
import { Composer } from './components/Composer'
import { EmptyState } from './components/EmptyState'
import { useFileDrop } from './components/file-drop'
import { MemberList } from './components/MemberList'
import { RoomHeader } from './components/RoomHeader'
import { SearchPanel } from './components/SearchPanel'
import { Sidebar } from './components/Sidebar'
import { Timeline } from './components/Timeline'
import { TypingIndicator } from './components/TypingIndicator'
import { Welcome } from './components/Welcome'
import { useAppState, useStore } from './store/hooks'

const MEMBERS_KEY = 'linkup.membersOpen'

export function App(): ReactElement {
  const ready = useAppState((s) => s.ready)
  const fatal = useAppState((s) => s.fatal)
  const named = useAppState((s) => s.named)
  const shell = useAppState((s) => s.shell)

  if (fatal) {
    return (
      <main className="welcome">
        <div className="welcome-card" role="alert" data-testid="fatal">
          <h1>LinkUp could not start</h1>
          <p className="form-error">{fatal}</p>
        </div>
      </main>
    )
  }
  if (!ready) return <main className="splash" data-testid="splash" />
  return (
    <>
      {shell === 'closed' ? (
        <div className="shell-banner" role="alert" data-testid="shell-banner">
          Lost the connection to the LinkUp engine. Reconnecting…
        </div>
      ) : null}
      {named ? <ChatScreen /> : <Welcome />}
    </>
  )
}

function ChatScreen(): ReactElement {
  const store = useStore()
  const active = useAppState((s) => s.active)
  const room = useAppState((s) => s.rooms.find((r) => r.key === s.active) ?? null)
  const [editing, setEditing] = useState<TimelineEntry | null>(null)
  const [searching, setSearching] = useState(false)
  const drop = useFileDrop(room?.key ?? null)
  const [membersOpen, setMembersOpen] = useState(
    () => localStorage.getItem(MEMBERS_KEY) !== 'false',
  )

  useEffect(() => {
    setEditing(null)
    setSearching(false)
  }, [active])

  const toggleMembers = () =>
    setMembersOpen((open) => {
      localStorage.setItem(MEMBERS_KEY, String(!open))
      return !open
    })

  const editLast = useCallback(() => {
    if (!active) return
    const entries = store.timeline(active).entries
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]
      if (e.own && !e.deleted && e.kind === 'text') return setEditing(e)
    }
  }, [store, active])

  return (
    <div className={`app${room && membersOpen ? ' with-members' : ''}`} data-testid="app">
      <Sidebar />
      <main
        className={`room${drop.dropping ? ' dropping' : ''}`}
        data-testid="room"
        {...drop.handlers}
      >
        {room ? (
          <>
            <RoomHeader
              room={room}
              membersOpen={membersOpen}
              onToggleMembers={toggleMembers}
              searchOpen={searching}
              onToggleSearch={() => setSearching((s) => !s)}
            />
            {searching ? <SearchPanel room={room.key} onClose={() => setSearching(false)} /> : null}
            <Timeline
              key={room.key}
              room={room}
              editingId={editing?.id ?? null}
              onEdit={setEditing}
            />
            <TypingIndicator room={room.key} />
          </>
        ) : (
          <EmptyState />
        )}
        <Composer
          room={room}
          editing={editing}
          onEditDone={() => setEditing(null)}
          onEditLast={editLast}
        />
      </main>
      {room && membersOpen ? <MemberList room={room.key} /> : null}
    </div>
  )
}

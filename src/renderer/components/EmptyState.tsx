import { useState, type ReactElement } from 'react'
import { Icon, Logo } from './icons'
import { CreateRoomDialog, JoinRoomDialog } from './RoomDialogs'

// No room yet: the two ways in, as buttons and as the commands they stand for.
export function EmptyState(): ReactElement {
  const [dialog, setDialog] = useState<'create' | 'join' | null>(null)
  return (
    <div className="empty-state" data-testid="empty-state">
      <Logo size={56} />
      <h1>Start a conversation</h1>
      <p className="muted">
        Create a room and share its invite, or join one with a key someone sent you.
      </p>
      <div className="empty-actions">
        <button
          className="btn primary"
          data-testid="empty-create"
          onClick={() => setDialog('create')}
        >
          <Icon name="plus" size={16} /> Create a room
        </button>
        <button className="btn" data-testid="empty-join" onClick={() => setDialog('join')}>
          <Icon name="join" size={16} /> Join with a key
        </button>
      </div>
      <p className="fine-print">
        Or type <code>~create name</code> or <code>~join key</code> below.
      </p>
      {dialog === 'create' ? <CreateRoomDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'join' ? <JoinRoomDialog onClose={() => setDialog(null)} /> : null}
    </div>
  )
}

import { useRef, useState, type FormEvent, type ReactElement } from 'react'
import { MAX_ROOM_NAME_CHARS } from '../../shared/limits'
import { parseRoomKey } from '../../shared/roomkey'
import { message } from '../store/app-store'
import { useStore } from '../store/hooks'
import { Dialog } from './Dialog'

// The sidebar's "new room" and "join room" forms: the same engine calls as typing
// ~create and ~join in the composer. Once in the room, focus lands in its composer;
// a cancelled dialog hands focus back to the button that opened it.

const composer = () => document.getElementById('composer-input')

export function CreateRoomDialog({ onClose }: { onClose: () => void }): ReactElement {
  const store = useStore()
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const entered = useRef(false)

  const submit = async (ev: FormEvent) => {
    ev.preventDefault()
    if (!name.trim()) return setError('Give the room a name.')
    setBusy(true)
    try {
      await store.createRoom(name.trim())
      entered.current = true
      onClose()
    } catch (err) {
      setError(message(err))
      setBusy(false)
    }
  }

  return (
    <Dialog
      title="Create a room"
      onClose={onClose}
      testId="create-room-dialog"
      focusAfter={() => (entered.current ? composer() : null)}
    >
      <form onSubmit={submit} className="dialog-form">
        <p className="muted">
          A new room gets a fresh random key. Anyone you give the invite to can join and read its
          history.
        </p>
        <label className="field">
          <span>Room name</span>
          <input
            autoFocus
            data-testid="create-room-name"
            value={name}
            maxLength={MAX_ROOM_NAME_CHARS}
            placeholder="e.g. project-x"
            onChange={(e) => {
              setName(e.target.value)
              setError(null)
            }}
          />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn primary"
            disabled={busy}
            data-testid="create-room-submit"
          >
            Create room
          </button>
        </div>
      </form>
    </Dialog>
  )
}

export function JoinRoomDialog({ onClose }: { onClose: () => void }): ReactElement {
  const store = useStore()
  const [key, setKey] = useState('')
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const entered = useRef(false)

  const submit = async (ev: FormEvent) => {
    ev.preventDefault()
    const parsed = parseRoomKey(key)
    if ('error' in parsed) return setError(parsed.error)
    setBusy(true)
    try {
      await store.joinRoom(parsed.key, name.trim() || undefined)
      entered.current = true
      onClose()
    } catch (err) {
      setError(message(err))
      setBusy(false)
    }
  }

  return (
    <Dialog
      title="Join a room"
      onClose={onClose}
      testId="join-room-dialog"
      focusAfter={() => (entered.current ? composer() : null)}
    >
      <form onSubmit={submit} className="dialog-form">
        <label className="field">
          <span>Room key or invite link</span>
          <input
            autoFocus
            className="mono"
            data-testid="join-room-key"
            value={key}
            placeholder="linkup://… or 64 hex characters"
            spellCheck={false}
            onChange={(e) => {
              setKey(e.target.value)
              setError(null)
            }}
          />
        </label>
        <label className="field">
          <span>
            Name it <span className="muted">(optional, only you see it)</span>
          </span>
          <input
            data-testid="join-room-name"
            value={name}
            maxLength={MAX_ROOM_NAME_CHARS}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        {error ? (
          <p className="form-error" role="alert" data-testid="join-room-error">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn primary"
            disabled={busy}
            data-testid="join-room-submit"
          >
            Join room
          </button>
        </div>
      </form>
    </Dialog>
  )
}

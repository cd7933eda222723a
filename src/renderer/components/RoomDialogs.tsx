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

/** What both forms share: entering the room, the error shown, focus afterwards. */
function useEnterRoom(onClose: () => void) {
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const entered = useRef(false)
  const enter = async (go: () => Promise<unknown>) => {
    setBusy(true)
    try {
      await go()
      entered.current = true
      onClose()
    } catch (err) {
      setError(message(err))
      setBusy(false)
    }
  }
  const focusAfter = () => (entered.current ? composer() : null)
  return { error, setError, busy, enter, focusAfter }
}

function FormEnd(props: {
  error: string | null
  errorTestId?: string
  busy: boolean
  onClose: () => void
  submitTestId: string
  label: string
}): ReactElement {
  return (
    <>
      {props.error ? (
        <p className="form-error" role="alert" data-testid={props.errorTestId}>
          {props.error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="btn ghost" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="submit"
          className="btn primary"
          disabled={props.busy}
          data-testid={props.submitTestId}
        >
          {props.label}
        </button>
      </div>
    </>
  )
}

export function CreateRoomDialog({ onClose }: { onClose: () => void }): ReactElement {
  const store = useStore()
  const [name, setName] = useState('')
  const { error, setError, busy, enter, focusAfter } = useEnterRoom(onClose)

  const submit = async (ev: FormEvent) => {
    ev.preventDefault()
    if (!name.trim()) return setError('Give the room a name.')
    await enter(() => store.createRoom(name.trim()))
  }

  return (
    <Dialog
      title="Create a room"
      onClose={onClose}
      testId="create-room-dialog"
      focusAfter={focusAfter}
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
        <FormEnd
          error={error}
          busy={busy}
          onClose={onClose}
          submitTestId="create-room-submit"
          label="Create room"
        />
      </form>
    </Dialog>
  )
}

export function JoinRoomDialog({ onClose }: { onClose: () => void }): ReactElement {
  const store = useStore()
  const [key, setKey] = useState('')
  const [name, setName] = useState('')
  const { error, setError, busy, enter, focusAfter } = useEnterRoom(onClose)

  const submit = async (ev: FormEvent) => {
    ev.preventDefault()
    const parsed = parseRoomKey(key)
    if ('error' in parsed) return setError(parsed.error)
    await enter(() => store.joinRoom(parsed.key, name.trim() || undefined))
  }

  return (
    <Dialog title="Join a room" onClose={onClose} testId="join-room-dialog" focusAfter={focusAfter}>
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
        <FormEnd
          error={error}
          errorTestId="join-room-error"
          busy={busy}
          onClose={onClose}
          submitTestId="join-room-submit"
          label="Join room"
        />
      </form>
    </Dialog>
  )
}

import { useState, type FormEvent, type ReactElement } from 'react'
import { cleanName } from '../../shared/names'
import { message } from '../store/app-store'
import { useAppState, useStore } from '../store/hooks'
import { AvatarPicker } from './AvatarPicker'
import { Logo } from './icons'

// First run: the name other members see, and optionally a picture (the engine stores it
// in the member's drive and announces it in every room).
export function Welcome(): ReactElement {
  const store = useStore()
  const profile = useAppState((s) => s.profile)
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (ev: FormEvent) => {
    ev.preventDefault()
    const cleaned = cleanName(name)
    if ('error' in cleaned) return setError(cleaned.error)
    setBusy(true)
    try {
      await store.setName(cleaned.name)
    } catch (err) {
      setError(message(err))
      setBusy(false)
    }
  }

  return (
    <main className="welcome" data-testid="welcome">
      <form className="welcome-card" onSubmit={submit}>
        <Logo size={44} />
        <h1>Welcome to LinkUp</h1>
        <p className="muted">
          Group chat without servers. Rooms live on the devices of the people in them.
        </p>
        <div className="welcome-identity">
          <AvatarPicker
            name={name || '?'}
            memberKey={profile?.key ?? ''}
            size={56}
            label
            testId="avatar-pick"
            onError={setError}
          />
          <label className="field">
            <span>Your display name</span>
            <input
              autoFocus
              data-testid="welcome-name"
              value={name}
              maxLength={64}
              placeholder="e.g. Ada Lovelace"
              onChange={(e) => {
                setName(e.target.value)
                setError(null)
              }}
            />
          </label>
        </div>
        {error ? (
          <p className="form-error" role="alert" data-testid="welcome-error">
            {error}
          </p>
        ) : null}
        <button
          className="btn primary wide"
          type="submit"
          disabled={busy}
          data-testid="welcome-submit"
        >
          Continue
        </button>
        <p className="fine-print">
          People in your rooms see this name next to a short fingerprint of your key, so you can
          change it any time with <code>~nick</code>.
        </p>
      </form>
    </main>
  )
}

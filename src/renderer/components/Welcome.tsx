import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react'
import { MAX_AVATAR_BYTES } from '../../shared/limits'
import { cleanName } from '../../shared/names'
import { message } from '../store/app-store'
import { useFiles } from '../store/file-hooks'
import { useAppState, useStore } from '../store/hooks'
import { Avatar } from './Avatar'
import { Logo } from './icons'

// First run: the name other members see, and optionally a picture (the engine stores it
// in the member's drive and announces it in every room).
export function Welcome(): ReactElement {
  const store = useStore()
  const profile = useAppState((s) => s.profile)
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [preview, setPreview] = useState<string | null>(null)
  const picker = useRef<HTMLInputElement>(null)
  const files = useFiles()
  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview])

  const pickAvatar = async (file: File | undefined) => {
    if (!file) return
    if (file.size > MAX_AVATAR_BYTES)
      return setError(`A picture can be at most ${MAX_AVATAR_BYTES / 1024} KB.`)
    setError(null)
    try {
      await files.upload({ kind: 'avatar', blob: file, name: file.name || 'avatar.png' })
      setPreview(URL.createObjectURL(file))
    } catch (err) {
      setError(message(err))
    }
  }

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
          <button
            type="button"
            className="avatar-pick"
            data-testid="avatar-pick"
            title="Choose a picture"
            onClick={() => picker.current?.click()}
          >
            <Avatar name={name || '?'} memberKey={profile?.key ?? ''} size={56} src={preview} />
            <span>{preview ? 'Change' : 'Add picture'}</span>
          </button>
          <input
            ref={picker}
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            hidden
            data-testid="avatar-input"
            onChange={(e) => {
              const file = e.target.files?.[0]
              e.target.value = ''
              void pickAvatar(file)
            }}
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

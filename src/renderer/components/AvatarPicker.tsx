import { useRef, useState, type ReactElement } from 'react'
import { MAX_AVATAR_BYTES } from '../../shared/limits'
import { message } from '../store/app-store'
import { useFiles } from '../store/file-hooks'
import { Avatar } from './Avatar'

// The own avatar as a button: choosing a picture uploads it as the profile avatar (the
// engine announces it in every room). Used on the welcome screen and in the sidebar.

const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif'

export function AvatarPicker(props: {
  name: string
  memberKey: string
  room?: string
  size: number
  label?: boolean
  testId: string
  onError: (text: string | null) => void
}): ReactElement {
  const files = useFiles()
  const picker = useRef<HTMLInputElement>(null)
  const [preview, setPreview] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const pick = async (file: File | undefined) => {
    if (!file) return
    if (file.size > MAX_AVATAR_BYTES)
      return props.onError(`A picture can be at most ${MAX_AVATAR_BYTES / 1024} KB.`)
    props.onError(null)
    setBusy(true)
    try {
      await files.upload({ kind: 'avatar', blob: file, name: file.name || 'avatar.png' })
      // A data: URL (the CSP allows data: images) that needs no revoking.
      const reader = new FileReader()
      reader.onload = () => setPreview(String(reader.result))
      reader.readAsDataURL(file)
    } catch (err) {
      props.onError(message(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <button
        type="button"
        className="avatar-pick"
        data-testid={props.testId}
        title="Choose a picture"
        disabled={busy}
        onClick={() => picker.current?.click()}
      >
        <Avatar
          name={props.name}
          memberKey={props.memberKey}
          room={props.room}
          size={props.size}
          src={preview}
        />
        {props.label ? <span>{preview ? 'Change' : 'Add picture'}</span> : null}
      </button>
      <input
        ref={picker}
        type="file"
        accept={ACCEPT}
        hidden
        data-testid={`${props.testId}-input`}
        onChange={(e) => {
          const file = e.target.files?.[0]
          e.target.value = ''
          void pick(file)
        }}
      />
    </>
  )
}

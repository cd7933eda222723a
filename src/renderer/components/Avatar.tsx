import { useEffect, useState, type CSSProperties, type ReactElement } from 'react'
import type { FileRef } from '../../shared/types'
import { initials, keyHue } from '../format'
import { useAvatarUrl } from '../store/file-hooks'

// Initials on a colour taken from the member key; the member's picture on top once its
// verified bytes are here (given a room to ask in), or `src` (a local preview).
export function Avatar(props: {
  name: string
  memberKey: string
  avatar?: FileRef | null
  size?: number
  online?: boolean
  room?: string
  src?: string | null
}): ReactElement {
  const { name, memberKey, size = 36, online } = props
  const fetched = useAvatarUrl(props.room, memberKey)
  const src = props.src ?? fetched
  const [failed, setFailed] = useState<string | null>(null)
  useEffect(() => setFailed(null), [src])
  const style = { '--hue': keyHue(memberKey), '--size': `${size}px` } as CSSProperties
  return (
    <span className="avatar" style={style} aria-hidden>
      <span className="avatar-initials">{initials(name)}</span>
      {src && failed !== src ? (
        <img
          className="avatar-img"
          data-testid="avatar-img"
          src={src}
          alt=""
          draggable={false}
          onError={() => setFailed(src)}
        />
      ) : null}
      {online !== undefined ? <span className={`presence ${online ? 'on' : 'off'}`} /> : null}
    </span>
  )
}

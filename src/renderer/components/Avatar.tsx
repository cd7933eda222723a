import type { CSSProperties, ReactElement } from 'react'
import type { FileRef } from '../../shared/types'
import { initials, keyHue } from '../format'

// Initials on a colour taken from the member key. Avatar pictures (FileRef) arrive with
// the files work: they will render here once the engine can hand the renderer a URL.
export function Avatar(props: {
  name: string
  memberKey: string
  avatar?: FileRef | null
  size?: number
  online?: boolean
}): ReactElement {
  const { name, memberKey, size = 36, online } = props
  const style = { '--hue': keyHue(memberKey), '--size': `${size}px` } as CSSProperties
  return (
    <span className="avatar" style={style} aria-hidden>
      <span className="avatar-initials">{initials(name)}</span>
      {online !== undefined ? <span className={`presence ${online ? 'on' : 'off'}`} /> : null}
    </span>
  )
}

import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactElement } from 'react'
import type { Member } from '../../shared/types'
import { Icon } from './icons'

// The per-member menu of the member list: mute or block a member here, or undo it. A menu
// button in the WAI-ARIA pattern: Enter, Space or the arrow keys open it with focus on an
// item, the arrows move, Home/End jump, Escape closes it and gives focus back to the button.

export type ModerationChoice = { kind: 'mute' | 'block'; on: boolean }

interface Item extends ModerationChoice {
  label: string
  testid: string
}

/** What can be done to a member now: a blocked one is muted too, so only unblock shows. */
function itemsFor(m: Member): Item[] {
  if (m.blocked) return [{ kind: 'block', on: false, label: 'Unblock', testid: 'member-unblock' }]
  return [
    m.muted
      ? { kind: 'mute', on: false, label: 'Unmute', testid: 'member-unmute' }
      : { kind: 'mute', on: true, label: 'Mute', testid: 'member-mute' },
    { kind: 'block', on: true, label: 'Block', testid: 'member-block' },
  ]
}

export function MemberMenu(props: {
  member: Member
  onChoose: (choice: ModerationChoice) => void
}): ReactElement {
  const { member } = props
  const [open, setOpen] = useState<null | 'first' | 'last'>(null)
  const button = useRef<HTMLButtonElement>(null)
  const menu = useRef<HTMLUListElement>(null)
  const id = useId()
  const items = itemsFor(member)

  const entries = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])]
  useEffect(() => {
    if (!open) return
    const all = entries()
    all[open === 'first' ? 0 : all.length - 1]?.focus()
  }, [open])

  const close = (refocus: boolean) => {
    setOpen(null)
    if (refocus) button.current?.focus()
  }

  const onMenuKey = (e: KeyboardEvent) => {
    const all = entries()
    const at = all.indexOf(document.activeElement as HTMLElement)
    const move = (to: number) => all[(to + all.length) % all.length]?.focus()
    if (e.key === 'ArrowDown') move(at + 1)
    else if (e.key === 'ArrowUp') move(at - 1)
    else if (e.key === 'Home') move(0)
    else if (e.key === 'End') move(all.length - 1)
    else if (e.key === 'Escape') close(true)
    else if (e.key === 'Tab') return close(false)
    else return
    e.preventDefault()
    e.stopPropagation()
  }

  return (
    <div className="member-menu-wrap">
      <button
        ref={button}
        id={`${id}-button`}
        className="icon-btn member-menu-button"
        aria-label={`Actions for ${member.name}`}
        title={`Actions for ${member.name}`}
        aria-haspopup="menu"
        aria-expanded={!!open}
        aria-controls={open ? `${id}-menu` : undefined}
        data-testid="member-menu-button"
        onClick={() => (open ? close(false) : setOpen('first'))}
        onKeyDown={(e) => {
          if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
          e.preventDefault()
          setOpen(e.key === 'ArrowDown' ? 'first' : 'last')
        }}
      >
        <Icon name="more" size={16} />
      </button>
      {open ? (
        <ul
          ref={menu}
          id={`${id}-menu`}
          className="member-menu"
          role="menu"
          aria-labelledby={`${id}-button`}
          data-testid="member-menu"
          onKeyDown={onMenuKey}
          onBlur={(e) => {
            // Focus left the menu (a click elsewhere): it closes, focus stays where it went.
            const to = e.relatedTarget as Node | null
            if (!e.currentTarget.contains(to) && to !== button.current) close(false)
          }}
        >
          {items.map((item) => (
            <li
              key={item.testid}
              role="menuitem"
              tabIndex={-1}
              className={`member-menu-item${item.kind === 'block' && item.on ? ' danger' : ''}`}
              data-testid={item.testid}
              onClick={() => {
                close(true)
                props.onChoose(item)
              }}
              onKeyDown={(e) => {
                if (e.key !== 'Enter' && e.key !== ' ') return
                e.preventDefault()
                close(true)
                props.onChoose(item)
              }}
            >
              {item.label}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

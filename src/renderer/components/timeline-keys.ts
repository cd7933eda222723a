import type { KeyboardEvent } from 'react'

// Reading a timeline by keyboard. The list is one Tab stop; from there:
//   PageUp / PageDown    scroll by most of a screen (focus goes back to the list, so a
//                        focused message scrolled out of the virtual list cannot take it)
//   Home / End           the oldest loaded message (older pages load from there) / the newest
//   ↑ / ↓                the previous / next message; Tab then reaches its actions
// Keys typed inside a control of a message (an audio player, a button) stay theirs,
// except ↑/↓ on a button, which move between messages like elsewhere in the row.

const PAGE_FRACTION = 0.9

/** Handles the key if it is a timeline key; returns whether it did (End is the caller's). */
export function timelineKey(
  ev: KeyboardEvent<HTMLElement>,
  list: HTMLElement,
  count: number,
): boolean {
  if (ev.altKey || ev.metaKey || ev.shiftKey || ev.nativeEvent.isComposing) return false
  const target = ev.target as HTMLElement
  if (target.closest('audio, input, textarea, select')) return false
  const onControl = target !== list && target.tagName !== 'ARTICLE'
  switch (ev.key) {
    case 'PageUp':
    case 'PageDown': {
      if (onControl) return false
      list.focus({ preventScroll: true })
      const step = list.clientHeight * PAGE_FRACTION
      list.scrollTop += ev.key === 'PageUp' ? -step : step
      return true
    }
    case 'Home':
      if (onControl) return false
      list.focus({ preventScroll: true })
      list.scrollTop = 0
      return true
    case 'End':
      if (onControl) return false
      list.focus({ preventScroll: true })
      return count > 0
    case 'ArrowUp':
    case 'ArrowDown': {
      if (ev.ctrlKey) return false
      const rows = [...list.querySelectorAll<HTMLElement>('article[data-testid="message"]')]
      if (rows.length === 0) return false
      const current = rows.findIndex((row) => row.contains(target))
      const next =
        current < 0
          ? firstInView(rows, list, ev.key === 'ArrowUp')
          : current + (ev.key === 'ArrowUp' ? -1 : 1)
      const row = rows[Math.max(0, Math.min(rows.length - 1, next))]
      row.focus()
      row.scrollIntoView({ block: 'nearest' })
      return true
    }
    default:
      return false
  }
}

/** The last (fromEnd) or first row whose box is inside the list's view. */
function firstInView(rows: HTMLElement[], list: HTMLElement, fromEnd: boolean): number {
  const view = list.getBoundingClientRect()
  const inView = (row: HTMLElement) => {
    const box = row.getBoundingClientRect()
    return box.bottom > view.top && box.top < view.bottom
  }
  if (fromEnd) {
    for (let i = rows.length - 1; i >= 0; i--) if (inView(rows[i])) return i
    return rows.length - 1
  }
  const i = rows.findIndex(inView)
  return i < 0 ? 0 : i
}

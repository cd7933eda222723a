import { app, Notification, type BrowserWindow } from 'electron'
import type { TimelineEntry } from '../shared/types'
import type { Engine } from '../core/handlers'
import { NotificationPolicy, unreadTotal } from './notify'

// What people expect of a desktop chat app: a notification for a new message while the
// window is not in front, and the unread count on the dock/launcher badge and title.

const BADGE_DELAY_MS = 150
const TITLE = 'LinkUp'

export function desktopIntegration(
  engine: Engine,
  mainWindow: () => BrowserWindow | null,
): () => void {
  const policy = new NotificationPolicy()
  // Electron drops click handlers of notifications that were garbage-collected.
  const shown = new Set<Notification>()
  let badgeTimer: NodeJS.Timeout | null = null

  const onEntry = (entry: TimelineEntry) => {
    scheduleBadge()
    const win = mainWindow()
    const focused = !!win && !win.isDestroyed() && win.isVisible() && win.isFocused()
    const room = engine.rooms().find((r) => r.key === entry.room)
    const notice = policy.decide(entry, room, focused, Date.now())
    if (!notice || !Notification.isSupported()) return
    const note = new Notification({ title: notice.title, body: notice.body })
    shown.add(note)
    note.on('click', () => {
      const w = mainWindow()
      if (w && !w.isDestroyed()) {
        if (w.isMinimized()) w.restore()
        w.show()
        w.focus()
      }
    })
    note.on('close', () => shown.delete(note))
    note.show()
    if (win && !win.isDestroyed()) win.flashFrame(true)
  }
  const onRoomLeft = ({ key }: { key: string }) => {
    policy.forget(key)
    scheduleBadge()
  }

  function scheduleBadge() {
    if (badgeTimer) return
    badgeTimer = setTimeout(() => {
      badgeTimer = null
      const total = unreadTotal(engine.rooms())
      app.setBadgeCount(total)
      const win = mainWindow()
      if (win && !win.isDestroyed()) win.setTitle(total > 0 ? `(${total}) ${TITLE}` : TITLE)
    }, BADGE_DELAY_MS)
  }

  engine.on('entry:added', onEntry)
  engine.on('room:updated', scheduleBadge)
  engine.on('room:joined', scheduleBadge)
  engine.on('room:left', onRoomLeft)
  scheduleBadge()

  return () => {
    engine.off('entry:added', onEntry)
    engine.off('room:updated', scheduleBadge)
    engine.off('room:joined', scheduleBadge)
    engine.off('room:left', onRoomLeft)
    if (badgeTimer) clearTimeout(badgeTimer)
    for (const note of shown) note.close()
    shown.clear()
  }
}

/** The window title belongs to main (it carries the unread count), not to the page. */
export function keepTitle(win: BrowserWindow): void {
  win.on('page-title-updated', (event) => event.preventDefault())
  win.on('focus', () => win.flashFrame(false))
}

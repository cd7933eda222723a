import { displayFileName } from '../shared/names'
import type { RoomInfo, TimelineEntry } from '../shared/types'

// Which new entries become a desktop notification, and what it says. Pure: the
// Electron glue asks `decide()` and shows the result.

/** Entries older than this are history catching up, not news. */
export const NOTIFY_MAX_AGE_MS = 2 * 60_000
/** At most one notification per room in this window; catching up can deliver hundreds. */
export const NOTIFY_ROOM_INTERVAL_MS = 4000
/** Mentions get through the room's interval, but a member mentioning in a loop does not. */
export const NOTIFY_MENTION_INTERVAL_MS = 1000
const MAX_BODY_CHARS = 160
/** A notification is plain text with no isolation: bidi controls could reverse it. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

export interface DesktopNotice {
  room: string
  title: string
  body: string
}

export class NotificationPolicy {
  private readonly lastShown = new Map<string, number>()
  private readonly lastMention = new Map<string, number>()

  /** A notice for `entry`, or null when it should stay quiet. */
  decide(
    entry: TimelineEntry,
    room: RoomInfo | undefined,
    focused: boolean,
    now: number,
  ): DesktopNotice | null {
    if (focused || entry.own || entry.deleted || !room) return null
    if (now - entry.time > NOTIFY_MAX_AGE_MS) return null
    const last = this.lastShown.get(entry.room)
    // A mention gets through the room's interval: it names this member (by key).
    if (entry.mentioned) {
      const lastMention = this.lastMention.get(entry.room)
      if (lastMention !== undefined && now - lastMention < NOTIFY_MENTION_INTERVAL_MS) return null
      this.lastMention.set(entry.room, now)
    } else if (last !== undefined && now - last < NOTIFY_ROOM_INTERVAL_MS) return null
    this.lastShown.set(entry.room, now)
    const who = entry.authorName || 'Someone'
    return {
      room: entry.room,
      title: entry.mentioned ? `${who} mentioned you in ${room.name}` : `${who} in ${room.name}`,
      body: preview(entry),
    }
  }

  forget(room: string): void {
    this.lastShown.delete(room)
    this.lastMention.delete(room)
  }
}

/** One short plain line: notifications do not render Markdown, and must not leak much. */
export function preview(entry: TimelineEntry): string {
  if (entry.kind === 'audio') return 'Voice note'
  if (entry.kind === 'file')
    return `File: ${entry.file ? displayFileName(entry.file.name) : 'attachment'}`
  const plain = entry.text
    .replace(BIDI_CONTROLS, '')
    .replace(/```[\s\S]*?(```|$)/g, ' [code] ')
    .replace(/[`*_~#>]+/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
  const chars = Array.from(plain)
  return chars.length > MAX_BODY_CHARS ? chars.slice(0, MAX_BODY_CHARS - 1).join('') + '…' : plain
}

/** The unread count the dock/launcher badge shows. */
export function unreadTotal(rooms: readonly RoomInfo[]): number {
  return rooms.reduce(
    (sum, r) => sum + (Number.isFinite(r.unread) && r.unread > 0 ? r.unread : 0),
    0,
  )
}

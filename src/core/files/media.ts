import type { Readable } from 'node:stream'
import type { FileRef, Member, TimelineEntry } from '../../shared/types'

// Serving a file's verified bytes to the renderer, shared by both shells (web: /media/…,
// Electron: app://linkup/media/…). The path names a room and an entry (or a member for
// avatars), never a file on disk. Only images and audio are shown inline; everything
// else is opaque bytes to download, so a peer's HTML or SVG never runs in our origin.

/** What media serving needs of LinkupNode. */
export interface MediaEngine {
  history(room: string, opts: { before?: string; limit: number }): Promise<TimelineEntry[]>
  members(room: string): Member[] | Promise<Member[]>
  readFile(room: string, id: string): Promise<Readable>
  readAvatar(room: string, member: string): Promise<Readable | null>
}

export type MediaRequest =
  { kind: 'media'; room: string; id: string } | { kind: 'avatar'; room: string; member: string }

const HEX64 = '[0-9a-f]{64}'
const MEDIA_PATH = new RegExp(`^/media/(${HEX64})/(${HEX64}\\.\\d{1,15}\\.\\d{1,3})$`)
const AVATAR_PATH = new RegExp(`^/avatar/(${HEX64})/(${HEX64})$`)

/** The media a URL path names, or null when it is not a well-formed media path. */
export function parseMediaPath(pathname: string): MediaRequest | null {
  let m = MEDIA_PATH.exec(pathname)
  if (m) return { kind: 'media', room: m[1], id: m[2] }
  m = AVATAR_PATH.exec(pathname)
  if (m) return { kind: 'avatar', room: m[1], member: m[2] }
  return null
}

export function mediaPath(room: string, id: string): string {
  return `/media/${room}/${id}`
}

export function avatarPath(room: string, member: string): string {
  return `/avatar/${room}/${member}`
}

// Raster images and audio only: SVG can carry script, so it downloads like any file.
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[a-z0-9.+-]+)$/u

export interface MediaResponse {
  body: Readable
  headers: Record<string, string>
}

/** Headers for a file's bytes: inline for images and audio, an attachment otherwise. */
export function mediaHeaders(
  file: FileRef,
  opts: { download?: boolean } = {},
): Record<string, string> {
  const inline = !opts.download && INLINE.test(file.type)
  const name = safeHeaderName(file.name)
  return {
    'Content-Type': inline ? file.type : 'application/octet-stream',
    'Content-Length': String(file.size),
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${name.ascii}"; filename*=UTF-8''${name.utf8}`,
    'X-Content-Type-Options': 'nosniff',
    // A media response is never a document that may run or load anything.
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, max-age=3600',
  }
}

/**
 * Opens what `req` names, or null when it is not here (no such entry, no avatar yet).
 * Errors from the engine (deleted, broken, hidden) also come back as null.
 */
export async function openMedia(
  engine: MediaEngine,
  req: MediaRequest,
  opts: { download?: boolean } = {},
): Promise<MediaResponse | null> {
  try {
    if (req.kind === 'avatar') {
      const member = (await engine.members(req.room)).find((m) => m.key === req.member)
      if (!member?.avatar || !INLINE.test(member.avatar.type)) return null
      const body = await engine.readAvatar(req.room, req.member)
      return body ? { body, headers: mediaHeaders(member.avatar) } : null
    }
    const entry = await findEntry(engine, req.room, req.id)
    if (!entry?.file || entry.deleted || entry.fileState === 'broken') return null
    const body = await engine.readFile(req.room, req.id)
    return { body, headers: mediaHeaders(entry.file, opts) }
  } catch {
    return null
  }
}

const PAGE = 1000

/** Entries are found by id through history pages (newest first); ids carry no order. */
async function findEntry(
  engine: MediaEngine,
  room: string,
  id: string,
): Promise<TimelineEntry | null> {
  let before: string | undefined
  for (;;) {
    const page = await engine.history(room, { before, limit: PAGE })
    const hit = page.find((e) => e.id === id)
    if (hit) return hit
    if (page.length < PAGE) return null
    before = page[0].order
  }
}

function safeHeaderName(name: string): { ascii: string; utf8: string } {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/gu, '_').slice(0, 200) || 'file'
  return { ascii, utf8: encodeURIComponent(name.slice(0, 200)) }
}

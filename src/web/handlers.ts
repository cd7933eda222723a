import { avatarPath, mediaPath } from '../core/files/media'
import type { Uploads } from '../core/files/uploads'
import {
  avatarHash,
  engineHandlers as commonHandlers,
  type Engine,
  type Handlers,
} from '../core/handlers'

// One function per command of src/shared/ipc.ts, each a thin call into the engine.
// Arguments arrive already validated by parseArgs (server.ts).
// Files: uploads go through src/core/uploads.ts; the bytes come back to the page over
// HTTP (/media/…, served by server.ts with the page's token), never inside a frame.

/** Turns a media path into a URL the page may load (server.ts adds the token). */
export type MediaUrl = (path: string, opts?: { download?: boolean; version?: string }) => string

export function engineHandlers(engine: Engine, uploads: Uploads, mediaUrl: MediaUrl): Handlers {
  return {
    ...commonHandlers(engine, uploads),
    // The page opens links itself (it is already in a browser); the engine host may
    // have no display at all, so it never opens anything for a page.
    'link:open': async () => false,
    // The page downloads the file itself, as an attachment from /media/.
    'file:save': async ({ room, id }) => ({
      path: null,
      url: mediaUrl(mediaPath(room, id), { download: true }),
    }),
    'file:url': async ({ room, id }) => mediaUrl(mediaPath(room, id)),
    'avatar:url': async ({ room, member }) => {
      const hash = await avatarHash(engine, room, member)
      return hash ? mediaUrl(avatarPath(room, member), { version: hash }) : null
    },
  }
}

export type { Handlers }

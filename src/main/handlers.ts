import { avatarPath, mediaPath } from '../core/files/media'
import { Uploads } from '../core/files/uploads'
import { displayFileName } from '../shared/names'
import {
  avatarHash,
  engineHandlers as commonHandlers,
  type Engine,
  type Handlers,
} from '../core/handlers'
import { externalUrl } from './security'

// The Electron side of the command table: the shared engine commands (src/core/handlers.ts)
// plus those only this shell can answer.
// Arguments arrive already validated by parseArgs (src/main/ipc.ts).
// Files: uploads go through src/core/uploads.ts; bytes come back to the renderer from
// app://linkup/media/… (protocol.ts), and saving asks main's save dialog for the target.

export interface ShellServices {
  /** Opens a vetted http(s) URL in the system browser. */
  openExternal(url: string): Promise<void>
  /** Asks the user where to save a file; null when they cancel. */
  chooseSavePath?(suggestedName: string): Promise<string | null>
}

const APP_ORIGIN = 'app://linkup'

export function engineHandlers(
  engine: Engine,
  shell: ShellServices,
  uploads: Uploads = new Uploads(engine),
): Handlers {
  return {
    ...commonHandlers(engine, uploads),
    'link:open': async ({ url }) => {
      const href = externalUrl(url)
      if (!href) return false
      await shell.openExternal(href)
      return true
    },
    'file:save': async ({ room, id }) => {
      const entry = (await engine.download(room, id)).entry
      const target = await shell.chooseSavePath?.(displayFileName(entry.file?.name ?? 'file'))
      if (!target) return { path: null, url: null }
      return { path: await engine.saveFile(room, id, target), url: null }
    },
    'file:url': async ({ room, id }) => `${APP_ORIGIN}${mediaPath(room, id)}`,
    'avatar:url': async ({ room, member }) => {
      const hash = await avatarHash(engine, room, member)
      return hash ? `${APP_ORIGIN}${avatarPath(room, member)}?v=${hash.slice(0, 16)}` : null
    },
  }
}

export type { Handlers }

import { avatarPath, mediaPath } from '../core/media'
import { Uploads } from '../core/uploads'
import type { CommandArgs, CommandName, CommandResults } from '../shared/ipc'
import { displayFileName } from '../shared/names'
import type { Engine } from './engine'
import { externalUrl } from './security'

// One function per command of src/shared/ipc.ts, each a thin call into the engine.
// Arguments arrive already validated by parseArgs (src/main/ipc.ts).
// Files: uploads go through src/core/uploads.ts; bytes come back to the renderer from
// app://linkup/media/… (protocol.ts), and saving asks main's save dialog for the target.

export type Handlers = {
  [C in CommandName]: (...args: CommandArgs<C>) => Promise<CommandResults[C]>
}

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
    'app:info': async () => ({
      profile: engine.profile,
      named: engine.named,
      rooms: engine.rooms(),
      online: engine.online,
    }),
    'profile:set': ({ name }) => engine.setName(name),
    'room:create': ({ name }) => engine.createRoom(name),
    'room:join': ({ key, name }) => engine.joinRoom(key, name),
    'room:leave': ({ room }) => engine.leaveRoom(room),
    'room:list': async () => engine.rooms(),
    'room:members': async ({ room }) => engine.members(room),
    'room:markRead': ({ room }) => engine.markRead(room),
    'history:load': ({ room, before, limit }) => engine.history(room, { before, limit }),
    'message:send': ({ room, text }) => engine.send(room, text),
    'message:edit': ({ room, id, text }) => engine.edit(room, id, text),
    'message:delete': ({ room, id }) => engine.delete(room, id),
    'command:run': ({ room, input }) => engine.runCommand(input, { room }),
    'link:open': async ({ url }) => {
      const href = externalUrl(url)
      if (!href) return false
      await shell.openExternal(href)
      return true
    },
    'file:uploadStart': (spec) => uploads.start(spec),
    'file:uploadChunk': ({ upload, data }) => uploads.chunk(upload, data),
    'file:uploadFinish': ({ upload }) => uploads.finish(upload),
    'file:uploadCancel': ({ upload }) => uploads.cancel(upload),
    'file:download': async ({ room, id }) => (await engine.download(room, id)).entry,
    'file:save': async ({ room, id }) => {
      const entry = (await engine.download(room, id)).entry
      const target = await shell.chooseSavePath?.(displayFileName(entry.file?.name ?? 'file'))
      if (!target) return { path: null, url: null }
      return { path: await engine.saveFile(room, id, target), url: null }
    },
    'file:url': async ({ room, id }) => `${APP_ORIGIN}${mediaPath(room, id)}`,
    'avatar:url': async ({ room, member }) => {
      const m = (await engine.members(room)).find((x) => x.key === member)
      if (!m?.avatar) return null
      return `${APP_ORIGIN}${avatarPath(room, member)}?v=${m.avatar.hash.slice(0, 16)}`
    },
  }
}

import type { CommandArgs, CommandName, CommandResults } from '../shared/ipc'
import type { Engine } from './engine'
import { externalUrl } from './security'

// One function per command of src/shared/ipc.ts, each a thin call into the engine.
// Arguments arrive already validated by parseArgs (src/main/ipc.ts).
// Extension point: files, voice notes, avatars and downloads get their commands here
// once the engine grows them and src/shared/ipc.ts lists them.

export type Handlers = {
  [C in CommandName]: (...args: CommandArgs<C>) => Promise<CommandResults[C]>
}

export interface ShellServices {
  /** Opens a vetted http(s) URL in the system browser. */
  openExternal(url: string): Promise<void>
}

export function engineHandlers(engine: Engine, shell: ShellServices): Handlers {
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
  }
}

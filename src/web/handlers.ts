import type { CommandArgs, CommandName, CommandResults, EventName } from '../shared/ipc'
import type {
  CommandResult,
  EngineEvents,
  Member,
  Profile,
  RoomInfo,
  TimelineEntry,
} from '../shared/types'

// One function per command of src/shared/ipc.ts, each a thin call into the engine.
// Arguments arrive already validated by parseArgs (server.ts).
// Extension point: files, voice notes, avatars and downloads get their commands here
// once the engine grows them and src/shared/ipc.ts lists them.

/** What the browser shell uses of LinkupNode (src/core/node.ts); the node satisfies it. */
export interface WebEngine {
  readonly profile: Profile
  readonly named: boolean
  readonly online: boolean
  setName(name: string): Promise<Profile>
  rooms(): RoomInfo[]
  createRoom(name: string): Promise<RoomInfo>
  joinRoom(keyOrLink: string, name?: string): Promise<RoomInfo>
  leaveRoom(key: string): Promise<void>
  send(room: string, text: string): Promise<TimelineEntry>
  edit(room: string, entryId: string, text: string): Promise<TimelineEntry>
  delete(room: string, entryId: string): Promise<TimelineEntry>
  history(room: string, opts: { before?: string; limit: number }): Promise<TimelineEntry[]>
  members(room: string): Member[] | Promise<Member[]>
  markRead(room: string): Promise<RoomInfo>
  runCommand(input: string, opts: { room?: string }): Promise<CommandResult>
  on<E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void): unknown
  off<E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void): unknown
}

export type Handlers = {
  [C in CommandName]: (...args: CommandArgs<C>) => Promise<CommandResults[C]>
}

export function engineHandlers(engine: WebEngine): Handlers {
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
    // The page opens links itself (it is already in a browser); the engine host may
    // have no display at all, so it never opens anything for a page.
    'link:open': async () => false,
  }
}

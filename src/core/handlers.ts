import type { Readable } from 'node:stream'
import type { CommandArgs, CommandName, CommandResults, EventName } from '../shared/ipc'
import type {
  CommandResult,
  EngineEvents,
  Member,
  Profile,
  RoomInfo,
  RoomStats,
  SearchHit,
  TimelineEntry,
} from '../shared/types'
import type { Uploads, UploadEngine } from './files/uploads'

// The commands of src/shared/ipc.ts that mean the same in every shell, written once.
// Each shell (Electron main, the browser shell) adds the few that depend on what it
// has: a system browser, a save dialog, the URL its renderer loads bytes from.

/**
 * What a shell uses of LinkupNode (src/core/node.ts). The shells pass the real node
 * where this is expected, so the compiler flags any drift between the two.
 */
export interface Engine extends UploadEngine {
  readonly profile: Profile
  readonly named: boolean
  readonly online: boolean
  setName(name: string): Promise<Profile>
  rooms(): RoomInfo[]
  createRoom(name: string): Promise<RoomInfo>
  joinRoom(keyOrLink: string, name?: string): Promise<RoomInfo>
  leaveRoom(key: string): Promise<void>
  send(
    room: string,
    text: string,
    opts?: { replyTo?: string; mentions?: string[] },
  ): Promise<TimelineEntry>
  react(room: string, id: string, emoji: string): Promise<TimelineEntry>
  entry(room: string, id: string): Promise<TimelineEntry | null>
  typing(room: string): void
  search(room: string, query: string, limit?: number): Promise<SearchHit[]>
  roomStats(room: string): RoomStats
  edit(room: string, entryId: string, text: string): Promise<TimelineEntry>
  delete(room: string, entryId: string): Promise<TimelineEntry>
  history(room: string, opts: { before?: string; limit: number }): Promise<TimelineEntry[]>
  members(room: string): Member[] | Promise<Member[]>
  moderate(room: string, kind: 'mute' | 'block', who: string, on: boolean): Promise<Member>
  resumeMember(room: string, key: string): boolean
  markRead(room: string): Promise<RoomInfo>
  runCommand(input: string, opts: { room?: string }): Promise<CommandResult>
  download(room: string, id: string): Promise<{ entry: TimelineEntry }>
  saveFile(room: string, id: string, target: string): Promise<string>
  readFile(room: string, id: string): Promise<Readable>
  readAvatar(room: string, member: string): Promise<Readable | null>
  on<E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void): unknown
  off<E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void): unknown
  close(): Promise<void>
}

export type Handlers = {
  [C in CommandName]: (...args: CommandArgs<C>) => Promise<CommandResults[C]>
}

/** Commands whose answer depends on the shell. */
export type ShellCommand = 'link:open' | 'file:save' | 'file:url' | 'avatar:url'

export function engineHandlers(engine: Engine, uploads: Uploads): Omit<Handlers, ShellCommand> {
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
    'member:moderate': ({ room, key, kind, on }) => engine.moderate(room, kind, key, on),
    'member:resume': async ({ room, key }) => engine.resumeMember(room, key),
    'room:markRead': ({ room }) => engine.markRead(room),
    'history:load': ({ room, before, limit }) => engine.history(room, { before, limit }),
    'message:send': ({ room, text, replyTo, mentions }) =>
      engine.send(room, text, { replyTo, mentions }),
    'reaction:toggle': ({ room, id, emoji }) => engine.react(room, id, emoji),
    'entry:get': ({ room, id }) => engine.entry(room, id),
    'typing:start': async ({ room }) => engine.typing(room),
    'search:run': ({ room, query, limit }) => engine.search(room, query, limit),
    'room:stats': async ({ room }) => engine.roomStats(room),
    'message:edit': ({ room, id, text }) => engine.edit(room, id, text),
    'message:delete': ({ room, id }) => engine.delete(room, id),
    'command:run': ({ room, input }) => engine.runCommand(input, { room }),
    'file:uploadStart': (spec) => uploads.start(spec),
    'file:uploadChunk': ({ upload, data }) => uploads.chunk(upload, data),
    'file:uploadFinish': ({ upload }) => uploads.finish(upload),
    'file:uploadCancel': ({ upload }) => uploads.cancel(upload),
    'file:download': async ({ room, id }) => (await engine.download(room, id)).entry,
  }
}

/** The hash of a member's avatar (it versions the avatar's URL), or null without one. */
export async function avatarHash(
  engine: Engine,
  room: string,
  member: string,
): Promise<string | null> {
  const m = (await engine.members(room)).find((x) => x.key === member)
  return m?.avatar?.hash ?? null
}

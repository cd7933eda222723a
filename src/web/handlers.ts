import type { Readable } from 'node:stream'
import { avatarPath, mediaPath } from '../core/media'
import { Uploads, type UploadEngine } from '../core/uploads'
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
// Files: uploads go through src/core/uploads.ts; the bytes come back to the page over
// HTTP (/media/…, served by server.ts with the page's token), never inside a frame.

/** What the browser shell uses of LinkupNode (src/core/node.ts); the node satisfies it. */
export interface WebEngine extends UploadEngine {
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
  download(room: string, id: string): Promise<{ entry: TimelineEntry }>
  readFile(room: string, id: string): Promise<Readable>
  readAvatar(room: string, member: string): Promise<Readable | null>
  on<E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void): unknown
  off<E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void): unknown
}

export type Handlers = {
  [C in CommandName]: (...args: CommandArgs<C>) => Promise<CommandResults[C]>
}

/** Turns a media path into a URL the page may load (server.ts adds the token). */
export type MediaUrl = (path: string, opts?: { download?: boolean; version?: string }) => string

export function engineHandlers(engine: WebEngine, uploads: Uploads, mediaUrl: MediaUrl): Handlers {
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
    'file:uploadStart': (spec) => uploads.start(spec),
    'file:uploadChunk': ({ upload, data }) => uploads.chunk(upload, data),
    'file:uploadFinish': ({ upload }) => uploads.finish(upload),
    'file:uploadCancel': ({ upload }) => uploads.cancel(upload),
    'file:download': async ({ room, id }) => (await engine.download(room, id)).entry,
    // The page downloads the file itself, as an attachment from /media/.
    'file:save': async ({ room, id }) => ({
      path: null,
      url: mediaUrl(mediaPath(room, id), { download: true }),
    }),
    'file:url': async ({ room, id }) => mediaUrl(mediaPath(room, id)),
    'avatar:url': async ({ room, member }) => {
      const m = (await engine.members(room)).find((x) => x.key === member)
      return m?.avatar ? mediaUrl(avatarPath(room, member), { version: m.avatar.hash }) : null
    },
  }
}

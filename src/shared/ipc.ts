import { z } from 'zod'
import {
  MAX_EMOJI_BYTES,
  MAX_FILE_NAME_CHARS,
  MAX_MENTIONS,
  MAX_NAME_CHARS,
  MAX_SEARCH_QUERY_CHARS,
  MAX_SEARCH_RESULTS,
  MAX_ROOM_NAME_CHARS,
  MAX_TEXT_BYTES,
  MAX_UPLOAD_CHUNK_BYTES,
  MAX_VOICE_NOTE_MS,
} from './limits'
import type {
  CommandResult,
  EngineEvents,
  Member,
  PeerInfo,
  Profile,
  RoomInfo,
  RoomStats,
  SearchHit,
  TimelineEntry,
} from './types'

// The one typed contract between the renderer and whatever hosts the engine (Electron
// main over IPC, or the browser shell over a WebSocket). Commands are imperative
// `domain:verb`, events past tense. Every argument is validated on arrival with the
// schema listed here; channel names exist nowhere else.

const roomKey = z.string().regex(/^[0-9a-f]{64}$/)
const entryId = z.string().regex(/^[0-9a-f]{64}\.\d{1,15}\.\d{1,3}$/)
const text = z.string().max(MAX_TEXT_BYTES * 4)
const uploadId = z.string().regex(/^[0-9a-f]{32}$/)
/** base64 of at most MAX_UPLOAD_CHUNK_BYTES bytes. */
const chunkData = z
  .string()
  .max(Math.ceil(MAX_UPLOAD_CHUNK_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/)

export const commandSchemas = {
  'app:info': z.tuple([]),
  'profile:set': z.tuple([z.object({ name: z.string().max(MAX_NAME_CHARS * 4) })]),
  'room:create': z.tuple([z.object({ name: z.string().max(MAX_ROOM_NAME_CHARS * 4) })]),
  'room:join': z.tuple([
    z.object({
      key: z.string().max(200),
      name: z
        .string()
        .max(MAX_ROOM_NAME_CHARS * 4)
        .optional(),
    }),
  ]),
  'room:leave': z.tuple([z.object({ room: roomKey })]),
  'room:list': z.tuple([]),
  'room:members': z.tuple([z.object({ room: roomKey })]),
  'room:markRead': z.tuple([z.object({ room: roomKey })]),
  'history:load': z.tuple([
    z.object({
      room: roomKey,
      before: z.string().max(200).optional(),
      limit: z.number().int().min(1).max(1000),
    }),
  ]),
  'message:send': z.tuple([
    z.object({
      room: roomKey,
      text,
      replyTo: entryId.optional(),
      mentions: z.array(roomKey).max(MAX_MENTIONS).optional(),
    }),
  ]),
  'reaction:toggle': z.tuple([
    z.object({
      room: roomKey,
      id: entryId,
      emoji: z
        .string()
        .min(1)
        .max(MAX_EMOJI_BYTES * 2),
    }),
  ]),
  'entry:get': z.tuple([z.object({ room: roomKey, id: entryId })]),
  'typing:start': z.tuple([z.object({ room: roomKey })]),
  'search:run': z.tuple([
    z.object({
      room: roomKey,
      query: z.string().max(MAX_SEARCH_QUERY_CHARS * 4),
      limit: z.number().int().min(1).max(MAX_SEARCH_RESULTS).optional(),
    }),
  ]),
  'room:stats': z.tuple([z.object({ room: roomKey })]),
  'message:edit': z.tuple([z.object({ room: roomKey, id: entryId, text })]),
  'message:delete': z.tuple([z.object({ room: roomKey, id: entryId })]),
  'command:run': z.tuple([z.object({ room: roomKey.optional(), input: text })]),
  'link:open': z.tuple([z.object({ url: z.string().max(4096) })]),
  // Files travel from the renderer in chunks: the renderer never names a path on disk.
  'file:uploadStart': z.tuple([
    z.object({
      room: roomKey.optional(),
      kind: z.enum(['file', 'audio', 'avatar']),
      name: z
        .string()
        .min(1)
        .max(MAX_FILE_NAME_CHARS * 4),
      type: z.string().max(200),
      size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      duration: z.number().int().min(0).max(MAX_VOICE_NOTE_MS).optional(),
    }),
  ]),
  'file:uploadChunk': z.tuple([z.object({ upload: uploadId, data: chunkData })]),
  'file:uploadFinish': z.tuple([z.object({ upload: uploadId })]),
  'file:uploadCancel': z.tuple([z.object({ upload: uploadId })]),
  'file:download': z.tuple([z.object({ room: roomKey, id: entryId })]),
  'file:save': z.tuple([z.object({ room: roomKey, id: entryId })]),
  'file:url': z.tuple([z.object({ room: roomKey, id: entryId })]),
  'avatar:url': z.tuple([z.object({ room: roomKey, member: roomKey })]),
} as const

export type CommandName = keyof typeof commandSchemas
export type CommandArgs<C extends CommandName> = z.infer<(typeof commandSchemas)[C]>

export interface AppInfo {
  profile: Profile
  /** True once the profile has a chosen name (first run shows the welcome screen). */
  named: boolean
  rooms: RoomInfo[]
  /** Connected to the DHT. */
  online: boolean
}

export type UploadKind = 'file' | 'audio' | 'avatar'

/**
 * How a save went: Electron writes the file where the user chose (`path`, null when the
 * dialog was cancelled); the browser shell hands back a `url` the page downloads.
 */
export interface SaveResult {
  path: string | null
  url: string | null
}

export interface CommandResults {
  'app:info': AppInfo
  'profile:set': Profile
  'room:create': RoomInfo
  'room:join': RoomInfo
  'room:leave': void
  'room:list': RoomInfo[]
  'room:members': Member[]
  'room:markRead': RoomInfo
  'history:load': TimelineEntry[]
  'message:send': TimelineEntry
  /** The entry reacted to, with its reactions now. */
  'reaction:toggle': TimelineEntry
  /** Any entry by id (what a reply quotes), or null when it is not here. */
  'entry:get': TimelineEntry | null
  'typing:start': void
  'search:run': SearchHit[]
  'room:stats': RoomStats
  'message:edit': TimelineEntry
  'message:delete': TimelineEntry
  'command:run': CommandResult
  'link:open': boolean
  'file:uploadStart': { upload: string }
  'file:uploadChunk': { received: number }
  /** The posted file or voice-note entry, or the new profile for an avatar. */
  'file:uploadFinish': TimelineEntry | Profile
  'file:uploadCancel': void
  'file:download': TimelineEntry
  'file:save': SaveResult
  /** Same-origin URL of the verified bytes, for <img>, <audio> and <a>. */
  'file:url': string
  /** null while the member has no avatar. */
  'avatar:url': string | null
}

export type EventName = keyof EngineEvents
export const eventNames: EventName[] = [
  'entry:added',
  'entry:updated',
  'peer:connected',
  'peer:left',
  'room:joined',
  'room:left',
  'room:updated',
  'sync:progress',
  'profile:updated',
  'network:updated',
  'file:progress',
  'avatar:updated',
  'typing:updated',
]

/** A command handler's outcome as it crosses the boundary: errors are plain messages. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string }

type Invoke<C extends CommandName> = (...args: CommandArgs<C>) => Promise<CommandResults[C]>

/** What the renderer sees as window.linkup. */
export interface LinkupApi {
  appInfo: Invoke<'app:info'>
  setProfile: Invoke<'profile:set'>
  createRoom: Invoke<'room:create'>
  joinRoom: Invoke<'room:join'>
  leaveRoom: Invoke<'room:leave'>
  listRooms: Invoke<'room:list'>
  members: Invoke<'room:members'>
  markRead: Invoke<'room:markRead'>
  loadHistory: Invoke<'history:load'>
  sendMessage: Invoke<'message:send'>
  toggleReaction: Invoke<'reaction:toggle'>
  getEntry: Invoke<'entry:get'>
  startTyping: Invoke<'typing:start'>
  search: Invoke<'search:run'>
  roomStats: Invoke<'room:stats'>
  editMessage: Invoke<'message:edit'>
  deleteMessage: Invoke<'message:delete'>
  runCommand: Invoke<'command:run'>
  openLink: Invoke<'link:open'>
  uploadStart: Invoke<'file:uploadStart'>
  uploadChunk: Invoke<'file:uploadChunk'>
  uploadFinish: Invoke<'file:uploadFinish'>
  uploadCancel: Invoke<'file:uploadCancel'>
  downloadFile: Invoke<'file:download'>
  saveFile: Invoke<'file:save'>
  fileUrl: Invoke<'file:url'>
  avatarUrl: Invoke<'avatar:url'>
  /** Subscribes to an engine event; returns the unsubscribe. */
  on<E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void): () => void
}

/** Which LinkupApi method sends which command: the preload and the web client use it. */
export const apiCommands = {
  appInfo: 'app:info',
  setProfile: 'profile:set',
  createRoom: 'room:create',
  joinRoom: 'room:join',
  leaveRoom: 'room:leave',
  listRooms: 'room:list',
  members: 'room:members',
  markRead: 'room:markRead',
  loadHistory: 'history:load',
  sendMessage: 'message:send',
  toggleReaction: 'reaction:toggle',
  getEntry: 'entry:get',
  startTyping: 'typing:start',
  search: 'search:run',
  roomStats: 'room:stats',
  editMessage: 'message:edit',
  deleteMessage: 'message:delete',
  runCommand: 'command:run',
  openLink: 'link:open',
  uploadStart: 'file:uploadStart',
  uploadChunk: 'file:uploadChunk',
  uploadFinish: 'file:uploadFinish',
  uploadCancel: 'file:uploadCancel',
  downloadFile: 'file:download',
  saveFile: 'file:save',
  fileUrl: 'file:url',
  avatarUrl: 'avatar:url',
} as const satisfies Record<Exclude<keyof LinkupApi, 'on'>, CommandName>

/** Validates arguments that arrived over IPC or the WebSocket. Throws a readable error. */
export function parseArgs<C extends CommandName>(command: C, args: unknown): CommandArgs<C> {
  const schema = commandSchemas[command]
  if (!schema) throw new Error(`Unknown command ${String(command)}`)
  const parsed = schema.safeParse(args)
  if (!parsed.success)
    throw new Error(`Invalid arguments for ${command}: ${parsed.error.issues[0]?.message}`)
  return parsed.data as CommandArgs<C>
}

export type { PeerInfo }

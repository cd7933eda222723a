import type { z } from 'zod'
import type { commandSchemas } from './ipc-schemas'
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
// `domain:verb`, events past tense; channel names exist nowhere else. Every argument is
// validated on arrival with its schema in ipc-schemas.ts. This file holds types and
// the channel tables only, and must stay free of zod at run time: the preload and the
// renderer bundle it, and zod would make the preload 15 times its size and probe eval
// under the renderer's CSP.

export type CommandName = keyof CommandResults
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
  /** Mute or block a member here (or undo it); the member as it is now. */
  'member:moderate': Member
  /** Lets a writer paused over its quota in again; false if it was not paused. */
  'member:resume': boolean
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
  'member:paused',
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
  moderateMember: Invoke<'member:moderate'>
  resumeMember: Invoke<'member:resume'>
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
  moderateMember: 'member:moderate',
  resumeMember: 'member:resume',
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

export type { PeerInfo }

import type { Readable } from 'node:stream'
import type { UploadEngine } from '../core/uploads'
import type { EventName } from '../shared/ipc'
import type {
  CommandResult,
  EngineEvents,
  Member,
  Profile,
  RoomInfo,
  TimelineEntry,
} from '../shared/types'

/**
 * What the Electron shell uses of LinkupNode (src/core/node.ts). main.ts passes the real
 * node where this is expected, so the compiler flags any drift between the two.
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
  send(room: string, text: string): Promise<TimelineEntry>
  edit(room: string, entryId: string, text: string): Promise<TimelineEntry>
  delete(room: string, entryId: string): Promise<TimelineEntry>
  history(room: string, opts: { before?: string; limit: number }): Promise<TimelineEntry[]>
  members(room: string): Member[] | Promise<Member[]>
  markRead(room: string): Promise<RoomInfo>
  runCommand(input: string, opts: { room?: string }): Promise<CommandResult>
  download(room: string, id: string): Promise<{ entry: TimelineEntry }>
  saveFile(room: string, id: string, target: string): Promise<string>
  readFile(room: string, id: string): Promise<Readable>
  readAvatar(room: string, member: string): Promise<Readable | null>
  history(room: string, opts: { before?: string; limit: number }): Promise<TimelineEntry[]>
  on<E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void): unknown
  off<E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void): unknown
  close(): Promise<void>
}

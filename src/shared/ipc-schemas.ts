import { z } from 'zod'
import type { CommandArgs, CommandName } from './ipc'
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

// The schema of every command's arguments (src/shared/ipc.ts names the commands). Only
// the hosts of the engine load this file: Electron main and the browser shell, which
// validate what arrives. Never import it from the renderer or the preload.

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
  // A member is named by writer key here (the menu knows it); ~mute takes names too.
  'member:moderate': z.tuple([
    z.object({ room: roomKey, key: roomKey, kind: z.enum(['mute', 'block']), on: z.boolean() }),
  ]),
  'member:resume': z.tuple([z.object({ room: roomKey, key: roomKey })]),
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
} as const satisfies Record<CommandName, z.ZodType>

/** Validates arguments that arrived over IPC or the WebSocket. Throws a readable error. */
export function parseArgs<C extends CommandName>(command: C, args: unknown): CommandArgs<C> {
  // Own keys only: a command named like an Object.prototype member is unknown, not a crash.
  const schema = Object.hasOwn(commandSchemas, command) ? commandSchemas[command] : undefined
  if (!schema) throw new IpcArgumentError(`Unknown command ${String(command)}`)
  const parsed = schema.safeParse(args)
  if (!parsed.success)
    throw new IpcArgumentError(
      `Invalid arguments for ${command}: ${parsed.error.issues[0]?.message}`,
    )
  return parsed.data as CommandArgs<C>
}

/** Arguments that failed their command's schema; the message says which and why. */
export class IpcArgumentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'IpcArgumentError'
  }
}

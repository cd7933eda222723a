import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { FileRefSchema } from '../shared/entries'
import { DEFAULT_MESH_SIZE, MAX_MESH_SIZE, MAX_WRITERS_PER_ROOM } from '../shared/limits'
import { writeFileAtomic } from './atomic'

// config.json: profile, joined rooms with alias, the ~clear mark and the read mark.
// A config that does not parse stops start-up with a message naming the file; it is
// never reset behind the user's back.

const RoomSchema = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string(),
  cleared: z.string().default(''),
  read: z.string().default(''),
  /** Writer cores known for the room, so history stays readable offline. */
  writers: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(MAX_WRITERS_PER_ROOM)
    .default([]),
  /** The avatar as this room shows it: a copy in the room's own drive. */
  avatar: FileRefSchema.nullable().default(null),
  /**
   * False for rooms joined before each room had its own drive: their files still sit in the
   * home drive and are moved into the room's drive once, on the next start.
   */
  filesMoved: z.boolean().default(false),
  /** Per writer: the block seq up to which everything is read, or hidden by ~clear. */
  readSeqs: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.number().int().min(-1)).optional(),
  clearedSeqs: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.number().int().min(-1)).optional(),
  /** When this node first read a valid entry of each writer, ms since epoch. */
  firstSeen: z
    .record(z.string().regex(/^[0-9a-f]{64}$/), z.number().int().nonnegative())
    .optional(),
  /** When this node joined the room, ms since epoch (entries dated after it should reach us). */
  joined: z.number().int().nonnegative().optional(),
  /** Writer keys muted or blocked in this room, on this device. */
  muted: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(MAX_WRITERS_PER_ROOM)
    .optional(),
  blocked: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(MAX_WRITERS_PER_ROOM)
    .optional(),
  /** Other members' drives opened in this room, reopened at start to serve what is held. */
  drives: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(MAX_WRITERS_PER_ROOM)
    .default([]),
})

/** Exported so the fuzzer can check that whatever parseConfig returns passes it. */
export const ConfigSchema = z.object({
  version: z.literal(1),
  profile: z.object({
    name: z.string(),
    named: z.boolean().default(false),
    avatar: FileRefSchema.nullable().default(null),
    /** This member is a bot (bot/client.ts sets it). */
    bot: z.boolean().default(false),
  }),
  rooms: z.array(RoomSchema),
  /**
   * Room channels (direct links) each room keeps at most: the room's bounded mesh
   * (src/core/net/mesh.ts). Messages reach members beyond it hop by hop.
   */
  meshSize: z.number().int().min(1).max(MAX_MESH_SIZE).default(DEFAULT_MESH_SIZE),
})

export type Config = z.infer<typeof ConfigSchema>
export type RoomConfig = z.infer<typeof RoomSchema>

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `${file} is not a valid LinkUp config (${reason}). It was left untouched; ` +
        'fix it, or move it away to start with a fresh profile and no rooms.',
    )
    this.name = 'ConfigError'
  }
}

/** The text of config.json as a Config; throws ConfigError naming `file` when it is not one. */
export function parseConfig(text: string, file: string): Config {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err: any) {
    throw new ConfigError(file, `not JSON: ${err.message}`)
  }
  const parsed = ConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConfigError(file, `${issue?.path.join('.') || 'root'}: ${issue?.message}`)
  }
  return parsed.data
}

export class ConfigStore {
  readonly file: string
  data: Config
  private writing: Promise<void> = Promise.resolve()
  private dirty = false

  constructor(storage: string, defaultName: string) {
    this.file = path.join(storage, 'config.json')
    this.data = {
      version: 1,
      profile: { name: defaultName, named: false, avatar: null, bot: false },
      rooms: [],
      meshSize: DEFAULT_MESH_SIZE,
    }
  }

  async load(): Promise<void> {
    let text: string
    try {
      text = await fs.readFile(this.file, 'utf8')
    } catch (err: any) {
      if (err.code === 'ENOENT') return this.save()
      throw err
    }
    this.data = parseConfig(text, this.file)
  }

  room(key: string): RoomConfig | undefined {
    return this.data.rooms.find((r) => r.key === key)
  }

  /** Writes the current state; calls made while a write runs are folded into one more. */
  save(): Promise<void> {
    if (this.dirty) return this.writing
    this.dirty = true
    this.writing = this.writing.then(async () => {
      this.dirty = false
      await writeFileAtomic(this.file, JSON.stringify(this.data, null, 2) + '\n')
    })
    return this.writing
  }

  flush(): Promise<void> {
    return this.writing
  }
}

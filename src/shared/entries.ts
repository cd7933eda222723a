import { z } from 'zod'
import {
  MAX_BLOCK_BYTES,
  MAX_ENTRIES_PER_BLOCK,
  MAX_EMOJI_BYTES,
  MAX_FILE_NAME_CHARS,
  MAX_MENTIONS,
  MAX_NAME_CHARS,
  MAX_TEXT_BYTES,
  MAX_VOICE_NOTE_MS,
} from './limits'
import { peerName } from './names'

// The wire format of room history. One hypercore block is a JSON batch
// { v: 1, n: name, ps: profileSeq, e: [entry, ...] } (and b: 1 from a bot); the block is signed by its writer core, so the author of
// every entry is the core's key and never a field. Entries are validated on read:
// an invalid one is skipped and counted, the rest of the block still counts.

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`))
const utf8Bytes = (s: string) => new TextEncoder().encode(s).length

/** Hybrid logical clock: wall ms * 1024 + counter, a safe integer. */
export const HLC_SHIFT = 1024
const hlc = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const text = z.string().refine((s) => utf8Bytes(s) <= MAX_TEXT_BYTES, 'text too long')
/** Position of an entry in its writer core: block seq and index inside the block. */
const target = z.object({ seq: z.number().int().nonnegative(), i: z.number().int().nonnegative() })
/**
 * An entry of any writer in the room: replies and reactions name other members' entries,
 * so unlike edit/delete (own core only) they carry the target's writer key.
 */
const ref = target.extend({ w: hex(32) })

/** One emoji (a grapheme of pictographs, joiners, modifiers, flags, keycaps); no text. */
const EMOJI =
  /^(?:[\p{Extended_Pictographic}\p{Regional_Indicator}#*0-9]\uFE0F?\u20E3?[\u{1F3FB}-\u{1F3FF}]?\u200D?)+$/u
export const emoji = z
  .string()
  .min(1)
  .refine(
    (s) => utf8Bytes(s) <= MAX_EMOJI_BYTES && EMOJI.test(s) && /[^0-9#*]/u.test(s),
    'not an emoji',
  )

export const FileRefSchema = z.object({
  drive: hex(32),
  path: z.string().min(1).max(512),
  name: z.string().min(1).max(MAX_FILE_NAME_CHARS),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  type: z.string().max(128),
  hash: hex(32),
})

// Versioning: the block format stays v 1; entry types and optional fields are added,
// never changed, so an older reader skips what it does not know (counted as invalid) and
// reads the rest. Added since the first release: text.re and text.m (replies, mentions),
// 'react', profile.bot.
export const EntrySchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('text'),
    h: hlc,
    text,
    /** The entry this one replies to. */
    re: ref.optional(),
    /** Member (writer) keys this text mentions: names are display only. */
    m: z.array(hex(32)).max(MAX_MENTIONS).optional(),
  }),
  z.object({ t: z.literal('file'), h: hlc, file: FileRefSchema }),
  z.object({
    t: z.literal('audio'),
    h: hlc,
    file: FileRefSchema,
    duration: z.number().int().positive().max(MAX_VOICE_NOTE_MS),
  }),
  z.object({
    t: z.literal('profile'),
    h: hlc,
    name: z
      .string()
      .min(1)
      .max(MAX_NAME_CHARS * 4),
    avatar: FileRefSchema.nullable(),
    /** The member is a bot: other bots ignore its messages by default. */
    bot: z.boolean().optional(),
  }),
  z.object({ t: z.literal('edit'), h: hlc, target, text }),
  z.object({ t: z.literal('delete'), h: hlc, target }),
  // The writer's files that named drive `from` are now in drive `to` (pre-0.2 files moved
  // out of the one shared drive into the room's own). Applies to that writer's entries only.
  z.object({ t: z.literal('moved'), h: hlc, from: hex(32), to: hex(32) }),
  /** Reaction toggle: the writer's newest one per (target, emoji) says on or off. */
  z.object({ t: z.literal('react'), h: hlc, target: ref, e: emoji, on: z.boolean() }),
])

export type Entry = z.infer<typeof EntrySchema>
export type EntryType = Entry['t']

export interface DecodedBlock {
  /** The writer's display name when it wrote the block, and the seq of its latest profile block. */
  name: string
  profileSeq: number
  /** The writer says it is a bot: every block says so, so no block is read without it. */
  bot: boolean
  entries: Array<{ i: number; entry: Entry }>
  /** Entries that were present but unknown or invalid. */
  invalid: number
}

const UTF8 = new TextDecoder()

/** A block's JSON if it is a batch (version 1 with an entry list), else null. */
function parseBatch(
  block: Uint8Array,
): { n: unknown; ps: unknown; b: unknown; e: unknown[] } | null {
  if (block.byteLength > MAX_BLOCK_BYTES) return null
  let raw: unknown
  try {
    raw = JSON.parse(UTF8.decode(block))
  } catch {
    return null
  }
  if (!raw || typeof raw !== 'object' || (raw as any).v !== 1 || !Array.isArray((raw as any).e)) {
    return null
  }
  return raw as { n: unknown; ps: unknown; b: unknown; e: unknown[] }
}

/** The valid entries of a batch's list, and how many were not. */
function checkEntries(list: unknown[]): Pick<DecodedBlock, 'entries' | 'invalid'> {
  const out: Pick<DecodedBlock, 'entries' | 'invalid'> = { entries: [], invalid: 0 }
  for (let i = 0; i < list.length && i < MAX_ENTRIES_PER_BLOCK; i++) {
    const parsed = EntrySchema.safeParse(list[i])
    if (parsed.success) out.entries.push({ i, entry: parsed.data })
    else out.invalid++
  }
  out.invalid += Math.max(0, list.length - MAX_ENTRIES_PER_BLOCK)
  return out
}

/** Decodes one block. Never throws: a block that is not a batch is all invalid. */
export function decodeBlock(block: Uint8Array): DecodedBlock {
  const raw = parseBatch(block)
  if (!raw) return { name: '', profileSeq: -1, bot: false, entries: [], invalid: 1 }
  const { n, ps, b, e: list } = raw
  return {
    // Cleaned like one's own name: no controls, bidi or zero-width characters, 32 at most.
    name: peerName(n),
    profileSeq: Number.isSafeInteger(ps) && (ps as number) >= 0 ? (ps as number) : -1,
    bot: b === 1,
    ...checkEntries(list),
  }
}

/**
 * Only a block's valid entries, checked as decodeBlock checks them, for a reader that needs
 * no header (search reads every block of a room, and cleaning each writer's name cost
 * about 85 ms per 100,000 blocks).
 */
export function decodeEntries(block: Uint8Array): DecodedBlock['entries'] {
  const raw = parseBatch(block)
  return raw ? checkEntries(raw.e).entries : []
}

export function encodeBlock(
  name: string,
  profileSeq: number,
  entries: Entry[],
  bot = false,
): Uint8Array {
  const header = bot ? { v: 1, n: name, ps: profileSeq, b: 1 } : { v: 1, n: name, ps: profileSeq }
  return new TextEncoder().encode(JSON.stringify({ ...header, e: entries }))
}

/** Sort key shared by every peer: (hlc, writer key, seq, index), as a string. */
export function orderKey(h: number, writer: string, seq: number, i: number): string {
  return `${h.toString(36).padStart(11, '0')}.${writer}.${seq.toString(36).padStart(8, '0')}.${i.toString(36).padStart(2, '0')}`
}

export function entryId(writer: string, seq: number, i: number): string {
  return `${writer}.${seq}.${i}`
}

export function parseEntryId(id: string): { writer: string; seq: number; i: number } | null {
  const m = /^([0-9a-f]{64})\.(\d{1,15})\.(\d{1,3})$/u.exec(id)
  return m ? { writer: m[1], seq: Number(m[2]), i: Number(m[3]) } : null
}

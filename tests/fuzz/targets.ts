import assert from 'node:assert/strict'
import path from 'node:path'
import fc from 'fast-check'
import { z } from 'zod'
import { COMMANDS, parseCommand } from '../../src/core/commands'
import { ConfigError, ConfigSchema, parseConfig } from '../../src/core/config'
import { imageInfo } from '../../src/core/files/image'
import { KnownEntrySchema, parseKnownFiles } from '../../src/core/files/known'
import { parseMediaPath } from '../../src/core/files/media'
import { FileNameError, numberedName, safeFileName, safeTarget } from '../../src/core/files/names'
import {
  decodeFrame,
  HelloSchema,
  PeersSchema,
  PingSchema,
  WritersSchema,
} from '../../src/core/net/channel'
import {
  decodeBlock,
  decodeEntries,
  entryId,
  EntrySchema,
  parseEntryId,
} from '../../src/shared/entries'
import type { CommandName } from '../../src/shared/ipc'
import { commandSchemas, IpcArgumentError, parseArgs } from '../../src/shared/ipc-schemas'
import { MAX_NAME_CHARS } from '../../src/shared/limits'
import { cleanName, displayFileName } from '../../src/shared/names'
import { inviteLink, parseRoomKey } from '../../src/shared/roomkey'
import { handle } from '../../src/web/server'
import type { Handlers } from '../../src/web/handlers'
import * as gen from './inputs'

// Every decoder that takes bytes from outside, with what it may do: return a value that
// passes its schema (checked here again, independently of the decoder), or throw its
// module's own error type. Anything else (a TypeError, a RangeError, a value that breaks
// the schema, a hang) is a finding.

export interface Target<T = any> {
  name: string
  /** Share of the run's inputs this target gets (shares are normalised). */
  share: number
  input: fc.Arbitrary<T>
  check(input: T): void | Promise<void>
}

/** Runs `fn`; a throw must be an instance of `own`, and is then an accepted outcome. */
function ownErrorOr<T>(own: new (...a: any[]) => Error, fn: () => T): T | undefined {
  try {
    return fn()
  } catch (err) {
    if (!(err instanceof own)) throw err
    return undefined
  }
}

function passes(schema: z.ZodTypeAny, value: unknown, what: string): void {
  const r = schema.safeParse(value)
  assert.ok(r.success, `${what} returned a value that fails its schema: ${r.error?.message}`)
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u

const DecodedBlockSchema = z.object({
  name: z.string().max(256),
  profileSeq: z.number().int().min(-1),
  entries: z.array(z.object({ i: z.number().int().nonnegative(), entry: EntrySchema })),
  invalid: z.number().int().nonnegative(),
})

const entryShape = fc.oneof(
  fc.record({ t: gen.field(fc.constant('text')), h: gen.hlc, text: gen.field(gen.nastyString) }),
  fc.record({ t: fc.constant('file'), h: gen.hlc, file: gen.fileRef }),
  fc.record({
    t: fc.constant('audio'),
    h: gen.hlc,
    file: gen.fileRef,
    duration: gen.field(fc.integer()),
  }),
  fc.record({
    t: fc.constant('profile'),
    h: gen.hlc,
    name: gen.field(gen.nastyString),
    avatar: fc.option(gen.fileRef),
  }),
  fc.record({
    t: fc.constantFrom('edit', 'delete', 'x'),
    h: gen.hlc,
    target: gen.field(fc.record({ seq: gen.field(fc.nat()), i: gen.field(fc.nat()) })),
    text: gen.nastyString,
  }),
  gen.anyJson,
)

const blocks: Target<Uint8Array> = {
  name: 'blocks and entries (decodeBlock)',
  share: 3,
  input: gen.jsonBytesAround(
    fc.record({
      v: gen.field(fc.constant(1)),
      n: gen.field(gen.nastyString),
      ps: gen.field(fc.integer({ min: -2, max: 1000 })),
      e: gen.field(fc.array(entryShape, { maxLength: 8 })),
    }),
  ),
  check(bytes) {
    // decodeBlock promises never to throw: it has no error type to throw.
    const decoded = decodeBlock(bytes)
    passes(DecodedBlockSchema, decoded, 'decodeBlock')
    // Search's reader keeps exactly the entries the timeline keeps.
    assert.deepEqual(decodeEntries(bytes), decoded.entries, 'decodeEntries')
  },
}

const entryIds: Target<string> = {
  name: 'entry ids (parseEntryId)',
  share: 0.5,
  input: fc.oneof(
    gen.nastyString,
    fc
      .tuple(gen.hex(32), fc.nat(), fc.nat({ max: 2000 }), fc.constantFrom('', 'x', '.1', ' '))
      .map(([w, s, i, tail]) => `${w}.${s}.${i}${tail}`),
  ),
  check(id) {
    const pos = parseEntryId(id)
    if (pos)
      assert.equal(entryId(pos.writer, pos.seq, pos.i), id, 'parseEntryId does not round-trip')
  },
}

const frameSchemas = {
  hello: HelloSchema,
  writers: WritersSchema,
  peers: PeersSchema,
  ping: PingSchema,
}
const frames: Target<{ kind: keyof typeof frameSchemas; bytes: Uint8Array }> = {
  name: 'room-channel frames (decodeFrame)',
  share: 2,
  input: fc.record({
    kind: fc.constantFrom('hello', 'writers', 'peers', 'ping'),
    bytes: gen.jsonBytesAround(
      fc.record(
        {
          signer: gen.field(gen.hex(32)),
          sig: gen.field(gen.hex(64)),
          name: gen.field(gen.nastyString),
          writers: gen.field(fc.array(gen.hex(32), { maxLength: 6 })),
          peers: gen.field(fc.array(gen.hex(32), { maxLength: 6 })),
          n: gen.field(fc.integer()),
          pong: gen.field(fc.boolean()),
        },
        { requiredKeys: [] },
      ),
    ),
  }),
  check({ kind, bytes }) {
    const schema = frameSchemas[kind] as z.ZodTypeAny
    const value = decodeFrame(Buffer.from(bytes), schema)
    if (value !== null) passes(schema, value, `decodeFrame(${kind})`)
  },
}

const commandNames = Object.keys(commandSchemas) as CommandName[]
const ipcArgs = fc.array(
  fc.dictionary(
    fc.constantFrom(
      'room',
      'text',
      'key',
      'name',
      'id',
      'limit',
      'before',
      'upload',
      'data',
      'kind',
      'size',
      'type',
      'duration',
      'input',
      'url',
      'member',
      'on',
      '__proto__',
      'constructor',
    ),
    fc.oneof(
      gen.hex(32),
      fc.tuple(gen.hex(32), fc.nat()).map(([w, s]) => `${w}.${s}.0`),
      gen.hex(16),
      gen.nastyString,
      fc.integer(),
      fc.constantFrom('file', 'audio', 'avatar', 'mute', 'block', true, false, null),
      fc.base64String({ maxLength: 64 }),
    ),
    { maxKeys: 6 },
  ),
  { maxLength: 2 },
)

const ipc: Target<{ command: string; args: unknown }> = {
  name: 'IPC arguments (parseArgs)',
  share: 2,
  input: fc.record({
    command: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...commandNames) },
      { weight: 1, arbitrary: gen.nastyString },
    ),
    args: fc.oneof({ weight: 5, arbitrary: ipcArgs }, { weight: 1, arbitrary: gen.anyJson }),
  }),
  check({ command, args }) {
    const value = ownErrorOr(IpcArgumentError, () => parseArgs(command as CommandName, args))
    if (value !== undefined)
      passes(commandSchemas[command as CommandName], value, `parseArgs(${command})`)
  },
}

// The WebSocket frame path of the browser shell, up to the engine: each handler echoes
// the arguments it was given, so the check sees exactly what would reach the engine.
const echo = Object.fromEntries(
  commandNames.map((c) => [c, async (...a: unknown[]) => a]),
) as unknown as Handlers

const ws: Target<string> = {
  name: 'WebSocket frames (web/server handle)',
  share: 1,
  input: gen.jsonAround(
    fc.record(
      {
        id: gen.field(fc.integer()),
        command: fc.oneof(fc.constantFrom(...commandNames), gen.nastyString),
        args: fc.oneof(ipcArgs, gen.anyJson),
      },
      { requiredKeys: [] },
    ),
  ),
  async check(raw) {
    const out = await handle(echo, raw)
    if (out === null) return
    assert.ok(Number.isSafeInteger(out.id), 'reply id is not a safe integer')
    if (!out.reply.ok) {
      assert.match(out.reply.error, /^(Unknown command|Invalid arguments for)/u, 'unexpected error')
      return
    }
    const { command } = JSON.parse(raw) as { command: CommandName }
    passes(commandSchemas[command], out.reply.value, `handle(${command})`)
  },
}

const configShape = fc.record(
  {
    version: gen.field(fc.constant(1)),
    profile: gen.field(
      fc.record(
        {
          name: gen.field(gen.nastyString),
          named: gen.field(fc.boolean()),
          avatar: fc.option(gen.fileRef),
        },
        { requiredKeys: ['name'] },
      ),
    ),
    rooms: gen.field(
      fc.array(
        fc.record(
          {
            key: gen.field(gen.hex(32)),
            name: gen.field(gen.nastyString),
            cleared: gen.field(fc.string()),
            read: gen.field(fc.string()),
            writers: gen.field(fc.array(gen.hex(32), { maxLength: 3 })),
          },
          { requiredKeys: ['key', 'name'] },
        ),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: [] },
)

const config: Target<string> = {
  name: 'config.json (parseConfig)',
  share: 1,
  input: gen.jsonAround(configShape),
  check(text) {
    const value = ownErrorOr(ConfigError, () => parseConfig(text, '/data/config.json'))
    if (value !== undefined) passes(ConfigSchema, value, 'parseConfig')
  },
}

const count = fc.oneof(fc.nat(), fc.integer(), fc.double())
const knownShape = fc.record(
  {
    version: gen.field(fc.constant(1)),
    known: gen.field(
      fc.array(
        fc.tuple(
          gen.field(gen.nastyString),
          fc.oneof(
            fc.record({
              state: gen.field(fc.constant('ready')),
              blob: gen.field(
                fc.record({
                  blockOffset: count,
                  blockLength: count,
                  byteOffset: count,
                  byteLength: count,
                }),
              ),
            }),
            fc.record({ state: fc.constant('broken'), reason: gen.field(gen.nastyString) }),
          ),
        ),
        { maxLength: 4 },
      ),
    ),
  },
  { requiredKeys: [] },
)

const known: Target<string> = {
  name: 'files.json (parseKnownFiles)',
  share: 1,
  input: gen.jsonAround(knownShape),
  check(text) {
    // A cache: what does not parse is dropped, so it never throws.
    passes(z.array(KnownEntrySchema), parseKnownFiles(text), 'parseKnownFiles')
  },
}

const roomKeys: Target<string> = {
  name: 'room keys and invite links (parseRoomKey)',
  share: 1,
  input: fc.oneof(
    gen.nastyString,
    fc
      .tuple(
        gen.hex(32),
        fc.constantFrom('', 'linkup://', 'LINKUP://', 'http://', 'linkup:/'),
        fc.constantFrom('', '/', '//', ' ', '\n', 'x', '0'),
        fc.boolean(),
      )
      .map(([k, pre, post, upper]) => ` ${pre}${upper ? k.toUpperCase() : k}${post}`),
  ),
  check(input) {
    const r = parseRoomKey(input)
    if ('key' in r) {
      assert.match(r.key, /^[0-9a-f]{64}$/u)
      assert.deepEqual(parseRoomKey(inviteLink(r.key)), r, 'invite link does not round-trip')
    } else assert.equal(typeof r.error, 'string')
  },
}

const commands: Target<string> = {
  name: 'command parser (parseCommand)',
  share: 1,
  input: fc.oneof(
    gen.nastyString,
    fc
      .tuple(
        fc.constantFrom('~', ' ~', '~~', '', '!'),
        fc.oneof(fc.constantFrom(...Object.keys(COMMANDS)), gen.nastyString),
        fc.array(gen.nastyString, { maxLength: 4 }),
      )
      .map(([tilde, name, args]) => `${tilde}${name} ${args.join(' ')}`),
  ),
  check(input) {
    const r = parseCommand(input)
    if ('error' in r) return assert.equal(typeof r.error, 'string')
    const spec = COMMANDS[r.name]
    assert.ok(spec, `parseCommand returned unknown command ${r.name}`)
    assert.ok(
      r.args.length >= spec.args[0] && r.args.length <= spec.args[1],
      'argument count out of range',
    )
  },
}

const DOWNLOADS = path.resolve('/tmp/linkup-fuzz-downloads')
const fileNames: Target<{ name: unknown; n: number }> = {
  name: 'file names (safeFileName, safeTarget, displayFileName, cleanName)',
  share: 2,
  input: fc.record({
    name: fc.oneof(
      { weight: 9, arbitrary: gen.nastyString },
      { weight: 1, arbitrary: gen.anyJson },
    ),
    n: fc.nat(99),
  }),
  check({ name, n }) {
    const cleaned = cleanName(name)
    if ('name' in cleaned) {
      const chars = [...cleaned.name].length
      assert.ok(
        chars >= 1 && chars <= MAX_NAME_CHARS && !CONTROL.test(cleaned.name),
        'cleanName let a bad name through',
      )
    } else assert.equal(typeof cleaned.error, 'string')
    if (typeof name !== 'string') return
    const shown = displayFileName(name)
    assert.ok(
      shown && !/[\\/]/u.test(shown) && !CONTROL.test(shown) && !shown.startsWith('.'),
      `displayFileName: ${shown}`,
    )
    const safe = safeFileName(name)
    assert.ok(
      safe && safe !== '.' && safe !== '..' && !/[\\/<>:"|?*]/u.test(safe),
      `safeFileName: ${safe}`,
    )
    assert.ok(Buffer.byteLength(safe) <= 200 && !CONTROL.test(safe), `safeFileName: ${safe}`)
    const target = ownErrorOr(FileNameError, () => safeTarget(DOWNLOADS, name))
    if (target !== undefined)
      assert.equal(path.dirname(target), DOWNLOADS, `safeTarget escaped: ${target}`)
    const numbered = numberedName(safe, n)
    assert.ok(!/[\\/]/u.test(numbered), `numberedName: ${numbered}`)
  },
}

const mediaPaths: Target<string> = {
  name: 'media URL paths (parseMediaPath)',
  share: 0.5,
  input: fc.oneof(
    gen.nastyString,
    fc
      .tuple(
        fc.constantFrom('/media/', '/avatar/', '/media//', '/x/'),
        gen.hex(32),
        gen.hex(32),
        fc.nat(),
        fc.constantFrom('', '/..', '.0', '%2f'),
      )
      .map(([p, a, b, s, t]) =>
        p.startsWith('/avatar') ? `${p}${a}/${b}${t}` : `${p}${a}/${b}.${s}.0${t}`,
      ),
  ),
  check(input) {
    const r = parseMediaPath(input)
    if (r === null) return
    assert.match(r.room, /^[0-9a-f]{64}$/u)
    if (r.kind === 'media') assert.ok(parseEntryId(r.id), 'media path with a bad entry id')
    else assert.match(r.member, /^[0-9a-f]{64}$/u)
  },
}

const u16le = (n: number) => [n & 0xff, (n >> 8) & 0xff]
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]
const dims = fc.tuple(fc.nat(0xffffffff), fc.nat(0xffffffff))
const imageShapes = fc.oneof(
  dims.map(([w, h]) => [
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0,
    0,
    0,
    13,
    ...Buffer.from('IHDR'),
    ...u32be(w),
    ...u32be(h),
  ]),
  dims.map(([w, h]) => [...Buffer.from('GIF89a'), ...u16le(w), ...u16le(h)]),
  fc
    .tuple(
      fc.constantFrom('VP8 ', 'VP8L', 'VP8X', 'ALPH'),
      fc.uint8Array({ minLength: 0, maxLength: 24 }),
    )
    .map(([chunk, rest]) => [
      ...Buffer.from('RIFF'),
      0,
      0,
      0,
      0,
      ...Buffer.from('WEBP'),
      ...Buffer.from(chunk),
      ...rest,
    ]),
  fc
    .array(
      fc.oneof(
        fc
          .tuple(
            fc.integer({ min: 0xc0, max: 0xfe }),
            fc.nat(0xffff),
            fc.uint8Array({ maxLength: 8 }),
          )
          .map(([m, len, body]) => [0xff, m, len >> 8, len & 0xff, ...body]),
        fc.constantFrom([0xff, 0xff], [0xff, 0x01], [0xff, 0xd0], [0xff, 0xda]),
      ),
      { maxLength: 5 },
    )
    .map((segs) => [0xff, 0xd8, ...segs.flat()]),
)

const images: Target<Uint8Array> = {
  name: 'avatar image headers (imageInfo)',
  share: 1,
  input: gen.bytesAround(imageShapes.map((a) => Uint8Array.from(a))),
  check(bytes) {
    const info = imageInfo(bytes)
    if (info === null) return
    assert.ok(['image/png', 'image/jpeg', 'image/webp', 'image/gif'].includes(info.type))
    for (const v of [info.width, info.height])
      assert.ok(Number.isInteger(v) && v > 0 && v <= 0xffffffff, `size ${v}`)
  },
}

export const TARGETS: Target[] = [
  blocks,
  entryIds,
  frames,
  ipc,
  ws,
  config,
  known,
  roomKeys,
  commands,
  fileNames,
  mediaPaths,
  images,
]

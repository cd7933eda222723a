import fc from 'fast-check'

// Input generators shared by the fuzz targets. Each decoder is fed three kinds of input:
// plain noise, inputs shaped like the real thing (so the fuzzer gets past JSON.parse and
// the first checks), and shaped inputs with a few bytes broken, cut or inserted.

export const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'))

/** Strings a hostile peer would try: any code point, controls, bidi, separators, dots. */
export const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .array(
      fc.constantFrom(
        '.',
        '..',
        '/',
        '\\',
        '\u0000',
        '\u202e',
        '\u2066',
        '\u200f',
        ' ',
        '\t',
        '\n',
        'CON',
        'nul',
        '~',
        'é',
        'e\u0301',
        '😀',
        'a',
        ':',
        '*',
        'linkup://',
      ),
      { maxLength: 24 },
    )
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', minLength: 200, maxLength: 600 }),
)

/** Any JSON value, to stand in for a field of the wrong type or shape. */
export const anyJson = fc.jsonValue({ maxDepth: 3 })

/** A field that is usually right-typed and sometimes anything at all. */
export const field = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 4, arbitrary: good },
    { weight: 1, arbitrary: anyJson as fc.Arbitrary<unknown> },
  )

const edit = fc.record({
  kind: fc.constantFrom('set', 'delete', 'insert', 'truncate'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
})

/** Applies up to four random byte edits to `bytes`. */
function mutate(
  bytes: Uint8Array,
  edits: Array<{ kind: string; at: number; byte: number }>,
): Uint8Array {
  let b = Buffer.from(bytes)
  for (const e of edits) {
    const at = b.length ? e.at % (b.length + 1) : 0
    if (e.kind === 'set' && b.length) b[at % b.length] = e.byte
    else if (e.kind === 'delete' && b.length)
      b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)])
    else if (e.kind === 'insert')
      b = Buffer.concat([b.subarray(0, at), Buffer.from([e.byte]), b.subarray(at)])
    else if (e.kind === 'truncate') b = b.subarray(0, at)
  }
  return b
}

/** Bytes from `shaped` as they are, broken by a few edits, or plain noise. */
export function bytesAround(shaped: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 3, arbitrary: shaped },
    {
      weight: 3,
      arbitrary: fc
        .tuple(shaped, fc.array(edit, { minLength: 1, maxLength: 4 }))
        .map(([b, edits]) => mutate(b, edits)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  )
}

/** JSON text of `shaped` values, as they are, broken, or noise. */
export function jsonAround(shaped: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return bytesAround(shaped.map((v) => Buffer.from(JSON.stringify(v) ?? 'null'))).map((b) =>
    Buffer.from(b).toString('utf8'),
  )
}

/** JSON bytes of `shaped` values, as they are, broken, or noise. */
export function jsonBytesAround(shaped: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  return bytesAround(shaped.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')))
}

/** A file reference: mostly valid, sometimes with a field of the wrong kind. */
export const fileRef = fc.record({
  drive: field(hex(32)),
  path: field(fc.string({ maxLength: 20 })),
  name: field(nastyString),
  size: field(fc.oneof(fc.nat(), fc.integer(), fc.double())),
  type: field(fc.constantFrom('image/png', 'audio/webm', '', 'text/html')),
  hash: field(hex(32)),
})

export const hlc = fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer(), fc.double())

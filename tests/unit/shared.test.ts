import assert from 'node:assert/strict'
import { test } from 'node:test'
import { HybridClock } from '../../src/core/rooms/clock'
import {
  decodeBlock,
  decodeEntries,
  encodeBlock,
  orderKey,
  parseEntryId,
} from '../../src/shared/entries'
import { cleanName, displayFileName } from '../../src/shared/names'
import { parseRoomKey } from '../../src/shared/roomkey'

test('display names are normalised, stripped of control and bidi characters, 1–32 long', () => {
  assert.deepEqual(cleanName('  Ada\u0000 \u202eLovelace\u2066  '), { name: 'Ada Lovelace' })
  assert.deepEqual(cleanName('e\u0301'), { name: 'é' })
  assert.ok('error' in cleanName(''))
  assert.ok('error' in cleanName('\u200e\u200f'))
  assert.ok('error' in cleanName('x'.repeat(33)))
  assert.deepEqual(cleanName('😀'.repeat(32)), { name: '😀'.repeat(32) })
  assert.ok('error' in cleanName(42))
})

test('file names from peers display safely and are never paths', () => {
  for (const hostile of ['../../.bashrc', '..\\x', 'a/b\\c', 'nul\u0000byte', '.hidden']) {
    const shown = displayFileName(hostile)
    assert.ok(!shown.includes('/') && !shown.includes('\\') && !shown.includes('\u0000'), shown)
    assert.ok(!shown.startsWith('.'), shown)
  }
  assert.ok([...displayFileName('x'.repeat(300))].length <= 121)
})

test('room keys parse from hex or linkup:// links, anything else is a clear error', () => {
  const key = 'a1'.repeat(32)
  assert.deepEqual(parseRoomKey(key), { key })
  assert.deepEqual(parseRoomKey(` linkup://${key.toUpperCase()}/ `), { key })
  for (const bad of ['', 'abc', 'z'.repeat(64), `${key}00`, `http://${key}`]) {
    assert.match((parseRoomKey(bad) as { error: string }).error, /64 hex characters/)
  }
})

test('blocks decode entry by entry: invalid ones are counted, never thrown', () => {
  const h = 1_000_000
  const good = decodeBlock(encodeBlock('Ann', 3, [{ t: 'text', h, text: 'hi' }]))
  assert.deepEqual(good, {
    name: 'Ann',
    profileSeq: 3,
    bot: false,
    entries: [{ i: 0, entry: { t: 'text', h, text: 'hi' } }],
    invalid: 0,
  })
  assert.equal(decodeBlock(Buffer.from('{')).invalid, 1)
  assert.equal(decodeBlock(Buffer.from('null')).invalid, 1)
  const mixedBytes = Buffer.from(
    JSON.stringify({
      v: 1,
      e: [
        { t: 'text', h, text: 'ok' },
        { t: 'text', h: 'x' },
        { t: 'edit', h, target: { seq: -1, i: 0 }, text: 'a' },
      ],
    }),
  )
  const mixed = decodeBlock(mixedBytes)
  assert.deepEqual([mixed.entries.length, mixed.invalid], [1, 2])
  assert.deepEqual(decodeEntries(mixedBytes), mixed.entries, 'the entries alone, checked the same')
  assert.deepEqual(decodeEntries(Buffer.from('{')), [])
  assert.equal(mixed.entries[0].i, 0)
})

test('order keys sort by clock, then writer, seq and index; ids round-trip', () => {
  const a = 'a'.repeat(64)
  const b = 'b'.repeat(64)
  const keys = [
    orderKey(5, b, 0, 0),
    orderKey(5, a, 9, 1),
    orderKey(5, a, 9, 0),
    orderKey(4, b, 100, 0),
    orderKey(1024 * 36 ** 5, a, 0, 0),
  ]
  assert.deepEqual([...keys].sort(), [keys[3], keys[2], keys[1], keys[0], keys[4]])
  assert.deepEqual(parseEntryId(`${a}.12.3`), { writer: a, seq: 12, i: 3 })
  assert.equal(parseEntryId('../etc.1.2'), null)
})

test('the hybrid clock never goes backwards and moves past what it observes', () => {
  let now = 1000
  const clock = new HybridClock(() => now)
  const t1 = clock.tick()
  now = 900 // the wall clock jumps back
  const t2 = clock.tick()
  assert.ok(t2 > t1)
  clock.observe(2000 * 1024, 5 * 60 * 1000)
  assert.ok(clock.tick() > 2000 * 1024)
  clock.observe(Number.MAX_SAFE_INTEGER, 5 * 60 * 1000) // far future from a hostile peer: ignored
  assert.ok(clock.tick() < 3000 * 1024)
  // Nothing received moves it past wall time plus the limit, even by a little.
  now = 10_000_000
  clock.observe((now + 5 * 60 * 1000 + 1) * 1024, 5 * 60 * 1000)
  assert.ok(clock.tick() <= (now + 5 * 60 * 1000) * 1024)
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TimelineEntry } from '../../src/shared/types'
import { RoomTimeline } from '../../src/renderer/store/timeline'

// The renderer's copy of a room's timeline: live entries, pages of history and edits
// arrive in any order and must end up as one sorted list without duplicates.

const writer = 'a'.repeat(64)
function entry(n: number, patch: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: `${writer}.${n}.0`,
    room: 'r'.repeat(64),
    author: writer,
    authorName: 'A',
    kind: 'text',
    text: `m${n}`,
    file: null,
    duration: 0,
    time: 1_700_000_000_000 + n,
    order: String(n).padStart(8, '0'),
    edited: false,
    deleted: false,
    own: false,
    delivery: null,
    ...patch,
  }
}
const texts = (t: RoomTimeline) => t.entries.map((e) => e.text)

test('live entries insert in order and duplicates are ignored', () => {
  const t = new RoomTimeline()
  assert.equal(t.add(entry(2)), true)
  assert.equal(t.add(entry(5)), true)
  assert.equal(t.add(entry(3)), true)
  assert.equal(t.add(entry(3)), false)
  assert.deepEqual(texts(t), ['m2', 'm3', 'm5'])
})

test('a page of history goes before what is loaded, and merges when a live entry raced it', () => {
  const t = new RoomTimeline()
  t.add(entry(9)) // arrived live before the first page came back
  t.prepend([entry(7), entry(8), entry(9), entry(10)], 4)
  assert.deepEqual(texts(t), ['m7', 'm8', 'm9', 'm10'])
  assert.equal(t.loaded, true)
  assert.equal(t.hasMore, true)
  t.prepend([entry(5), entry(6)], 4)
  assert.deepEqual(texts(t), ['m5', 'm6', 'm7', 'm8', 'm9', 'm10'])
  assert.equal(t.hasMore, false, 'a short page means the start of the room')
  assert.equal(t.oldestOrder, entry(5).order)
})

test('updates replace in place and bump the version; unknown ids are ignored', () => {
  const t = new RoomTimeline()
  t.prepend([entry(1), entry(2)], 10)
  let calls = 0
  t.subscribe(() => calls++)
  const v = t.version
  t.update(entry(2, { text: 'edited', edited: true }))
  assert.deepEqual(texts(t), ['m1', 'edited'])
  assert.equal(t.version, v + 1)
  t.update(entry(99))
  assert.equal(t.version, v + 1)
  assert.equal(calls, 1)
  // add() of a known id is an update, not a second row.
  t.add(entry(1, { deleted: true, text: '' }))
  assert.equal(t.entries.length, 2)
  assert.equal(t.entries[0].deleted, true)
})

test('clearUpTo drops everything at or before the mark', () => {
  const t = new RoomTimeline()
  t.prepend([entry(1), entry(2), entry(3)], 10)
  t.clearUpTo(entry(2).order)
  assert.deepEqual(texts(t), ['m3'])
  assert.equal(t.upperBound(entry(2).order), 0)
  // Cleared ids may come back as new entries only if the engine sends them again.
  assert.equal(t.add(entry(2)), true)
})

test('reset (a member muted or let back in) forgets everything, and the same entries load again', () => {
  const t = new RoomTimeline()
  t.prepend([entry(1), entry(2)], 2)
  t.add(entry(3))
  const generation = t.generation
  let told = 0
  t.subscribe(() => told++)
  t.reset()
  assert.deepEqual(texts(t), [])
  assert.equal(t.loaded, false)
  assert.equal(t.hasMore, true)
  assert.notEqual(t.generation, generation, 'a page asked for before the reset is stale')
  assert.equal(told, 1)
  // Known ids were forgotten too: the same entries are new again.
  assert.equal(t.add(entry(2)), true)
  t.prepend([entry(1)], 200)
  assert.deepEqual(texts(t), ['m1', 'm2'])
  assert.equal(t.hasMore, false)
})

test('a flood followed at the end keeps a window; what was let go pages in again without a gap', () => {
  const t = new RoomTimeline()
  t.prepend([entry(100), entry(101)], 2)
  for (let n = 102; n < 200; n++) t.add(entry(n))
  t.trimOldest(30)
  assert.equal(t.entries.length, 30)
  assert.equal(t.hasMore, true)
  assert.equal(t.entries[0].text, 'm170')
  // A late entry older than all held is not taken: it comes with the page before m170.
  assert.equal(t.add(entry(120)), false)
  assert.equal(t.entries[0].text, 'm170')
  const page = Array.from({ length: 70 }, (_, k) => entry(100 + k))
  t.prepend(page, 70)
  assert.deepEqual(
    texts(t),
    Array.from({ length: 100 }, (_, k) => `m${100 + k}`),
  )
})

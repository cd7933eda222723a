import assert from 'node:assert/strict'
import { test } from 'node:test'
import { orderKey } from '../../src/shared/entries'
import type { TimelineEntry } from '../../src/shared/types'
import { Marks, contiguousSeq, entrySeq } from '../../src/core/rooms/marks'
import type { RoomState } from '../../src/core/rooms/room'

// Marks are per writer, so no entry's clock can move them, and a block that was a gap
// when the mark was set is unread when it arrives.

const W = 'a'.repeat(64)
const V = 'b'.repeat(64)

function writer(key: string, high: number, holes: number[] = [], future: number[] = []): any {
  return { key, high, holes: new Set(holes), future: new Map(future.map((s) => [s, 0])) }
}

function item(author: string, seq: number, h: number): TimelineEntry {
  return {
    id: `${author}.${seq}.0`,
    author,
    order: orderKey(h, author, seq, 0),
    own: false,
    deleted: false,
  } as TimelineEntry
}

test('the contiguous mark stops below a gap or a held-back block', () => {
  assert.equal(contiguousSeq(writer(W, 10)), 9)
  assert.equal(contiguousSeq(writer(W, 10, [4, 7])), 3)
  assert.equal(contiguousSeq(writer(W, 10, [], [6])), 5)
  assert.equal(contiguousSeq(writer(W, 0)), -1)
  assert.equal(entrySeq(item(W, 123, 1)), 123)
})

test('a block that was a gap at mark time is unread when it arrives; a far-future clock moves nothing', () => {
  const state = { key: 'r', name: 'r', cleared: '', read: '', writers: [] } as RoomState
  const marks = new Marks(state)
  // V's block 4 is missing when Alice marks the room read; V's block 9 is dated in 2286.
  marks.markRead([writer(W, 10), writer(V, 9, [4])], orderKey(2 ** 52, V, 8, 0))
  assert.equal(marks.read(item(W, 9, 1000)), true)
  assert.equal(marks.read(item(V, 3, 1000)), true)
  assert.equal(marks.read(item(V, 4, 1)), false, 'the gap, however old its date')
  assert.equal(marks.read(item(W, 10, 1)), false, 'a later block, however old its date')
  // A writer with no mark yet has nothing read, whatever the order mark says.
  assert.equal(marks.read(item('c'.repeat(64), 0, 1)), false)
  marks.clear([writer(W, 12)], '')
  assert.equal(marks.cleared(item(W, 11, 1)), true)
  assert.equal(marks.cleared(item(V, 0, 1)), false, 'clearing W hides nothing of V')
})

test('marks written by 0.1 (order keys) still apply until the first per-writer mark', () => {
  const mark = orderKey(5000, W, 3, 0)
  const state = { key: 'r', name: 'r', cleared: mark, read: mark, writers: [] } as RoomState
  const marks = new Marks(state)
  assert.equal(marks.cleared(item(W, 2, 4000)), true)
  assert.equal(marks.cleared(item(W, 4, 6000)), false)
})

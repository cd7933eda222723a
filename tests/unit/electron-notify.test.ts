import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  NOTIFY_MAX_AGE_MS,
  NOTIFY_ROOM_INTERVAL_MS,
  NotificationPolicy,
  preview,
  unreadTotal,
} from '../../src/main/notify'
import type { RoomInfo, TimelineEntry } from '../../src/shared/types'

const NOW = 1_700_000_000_000
const ROOM_KEY = 'a'.repeat(64)

function room(over: Partial<RoomInfo> = {}): RoomInfo {
  return {
    key: ROOM_KEY,
    name: 'General',
    peers: 1,
    unread: 0,
    readMark: '',
    clearedMark: '',
    ...over,
  }
}

function entry(over: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: `${'b'.repeat(64)}.1.0`,
    room: ROOM_KEY,
    author: 'b'.repeat(64),
    authorName: 'Bob',
    kind: 'text',
    text: 'Hello **there**',
    file: null,
    duration: 0,
    time: NOW - 1000,
    order: '1',
    edited: false,
    deleted: false,
    own: false,
    delivery: null,
    ...over,
  }
}

test('a fresh message from someone else, while unfocused, notifies', () => {
  const policy = new NotificationPolicy()
  assert.deepEqual(policy.decide(entry(), room(), false, NOW), {
    room: ROOM_KEY,
    title: 'Bob in General',
    body: 'Hello there',
  })
})

test('stays quiet when focused, for own, deleted, old or unknown-room entries', () => {
  const policy = new NotificationPolicy()
  assert.equal(policy.decide(entry(), room(), true, NOW), null)
  assert.equal(policy.decide(entry({ own: true }), room(), false, NOW), null)
  assert.equal(policy.decide(entry({ deleted: true }), room(), false, NOW), null)
  assert.equal(
    policy.decide(entry({ time: NOW - NOTIFY_MAX_AGE_MS - 1 }), room(), false, NOW),
    null,
  )
  assert.equal(policy.decide(entry(), undefined, false, NOW), null)
  assert.notEqual(
    policy.decide(entry(), room(), false, NOW),
    null,
    'none of the above used up the room slot',
  )
})

test('a burst in one room gives one notification per interval; other rooms are separate', () => {
  const policy = new NotificationPolicy()
  const other = 'c'.repeat(64)
  assert.notEqual(policy.decide(entry(), room(), false, NOW), null)
  assert.equal(policy.decide(entry(), room(), false, NOW + 10), null)
  assert.notEqual(
    policy.decide(entry({ room: other }), room({ key: other }), false, NOW + 10),
    null,
  )
  assert.equal(policy.decide(entry(), room(), false, NOW + NOTIFY_ROOM_INTERVAL_MS - 1), null)
  assert.notEqual(policy.decide(entry(), room(), false, NOW + NOTIFY_ROOM_INTERVAL_MS), null)
  policy.forget(ROOM_KEY)
  assert.notEqual(policy.decide(entry(), room(), false, NOW + NOTIFY_ROOM_INTERVAL_MS + 1), null)
})

test('previews are short plain text', () => {
  assert.equal(
    preview(entry({ text: '# Title\n\n> quoted `code` [link](https://x.example)' })),
    'Title quoted code link',
  )
  assert.equal(preview(entry({ text: 'see\n```js\nalert(1)\n```\nok' })), 'see [code] ok')
  const long = preview(entry({ text: '😀'.repeat(500) }))
  assert.equal(Array.from(long).length, 160)
  assert.ok(long.endsWith('…'))
  assert.equal(preview(entry({ kind: 'audio', text: '' })), 'Voice note')
  const file = {
    drive: 'd',
    path: '/p',
    name: 'plan.pdf',
    size: 1,
    type: 'application/pdf',
    hash: 'h',
  }
  assert.equal(preview(entry({ kind: 'file', file })), 'File: plan.pdf')
})

test('the badge counts unread across rooms, ignoring nonsense', () => {
  assert.equal(unreadTotal([]), 0)
  assert.equal(unreadTotal([room({ unread: 2 }), room({ unread: 5 }), room({ unread: 0 })]), 7)
  assert.equal(unreadTotal([room({ unread: -3 }), room({ unread: NaN }), room({ unread: 1 })]), 1)
})

test('previews carry no bidi control that could reverse the notification', () => {
  assert.equal(preview(entry({ text: 'pay \u202eexe.fdp\u202c now' })), 'pay exe.fdp now')
  const file = {
    drive: 'd',
    path: '/p',
    name: 'invoice\u202efdp.exe',
    size: 1,
    type: 'application/octet-stream',
    hash: 'h',
  }
  assert.equal(preview(entry({ kind: 'file', file })), 'File: invoicefdp.exe')
})

test('a mention notifies even inside the per-room quiet interval, and says so', () => {
  const policy = new NotificationPolicy()
  assert.ok(policy.decide(entry(), room(), false, NOW))
  assert.equal(policy.decide(entry({ id: 'x' }), room(), false, NOW + 10), null)
  const mention = policy.decide(entry({ id: 'y', mentioned: true }), room(), false, NOW + 20)
  assert.equal(mention?.title, 'Bob mentioned you in General')
  assert.equal(
    policy.decide(entry({ mentioned: true }), room(), true, NOW + 30),
    null,
    'focused: quiet',
  )
  assert.equal(
    policy.decide(entry({ id: 'z', mentioned: true }), room(), false, NOW + 40),
    null,
    'a second mention within a second waits',
  )
  assert.ok(policy.decide(entry({ id: 'w', mentioned: true }), room(), false, NOW + 1100))
})

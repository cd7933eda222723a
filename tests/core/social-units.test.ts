import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Reactions } from '../../src/core/rooms/reactions'
import { Typing } from '../../src/core/rooms/typing'
import { decodeBlock, encodeBlock } from '../../src/shared/entries'
import { MAX_REACTION_EMOJIS, TYPING_MIN_GAP_MS } from '../../src/shared/limits'

// The pure parts of reactions and typing, under hostile input.

const W = 'ab'.repeat(32)
const react = (h: number, seq: number, e: string, on = true) => ({
  h,
  target: { w: W, seq, i: 0 },
  e,
  on,
})

test('reactions: newest entry per member and emoji wins, whatever order blocks are read in', () => {
  const r = new Reactions()
  assert.equal(
    r.apply('m1', react(3, 0, '👍', false)),
    null,
    'an off with nothing on changes nothing',
  )
  assert.equal(r.apply('m1', react(1, 0, '👍', true)), null, 'an older on loses to a newer off')
  assert.equal(r.apply('m1', react(5, 0, '👍', true)), `${W}.0.0`)
  assert.equal(r.apply('m1', react(6, 0, '👍', true)), null, 'on twice counts once')
  r.apply('m2', react(7, 0, '👍', true))
  const [s] = r.summary(`${W}.0.0`, 'm2', (k) => k.toUpperCase())
  assert.deepEqual(s, {
    emoji: '👍',
    count: 2,
    mine: true,
    who: [
      { key: 'm1', name: 'M1' },
      { key: 'm2', name: 'M2' },
    ],
  })
})

test('reactions: emojis per entry and entries held are bounded', () => {
  const r = new Reactions(3)
  for (let n = 0; n < MAX_REACTION_EMOJIS + 5; n++)
    r.apply('m', react(n + 1, 0, String.fromCodePoint(0x1f600 + n)))
  assert.equal(r.summary(`${W}.0.0`, 'm', String).length, MAX_REACTION_EMOJIS)
  for (let seq = 1; seq <= 5; seq++) r.apply('m', react(100 + seq, seq, '👍'))
  assert.equal(r.size, 3)
  assert.deepEqual(r.summary(`${W}.0.0`, 'm', String), [], 'the least recently touched went first')
  assert.equal(r.summary(`${W}.5.0`, 'm', String)[0].count, 1)
})

test('typing: a flood is rate-limited, the indicator lapses, a stop ends it', async () => {
  let changes = 0
  const t = new Typing(() => changes++, 50)
  assert.equal(t.received('x', true, 1000), true)
  for (let n = 1; n < 100; n++) assert.equal(t.received('x', true, 1000 + n), false)
  assert.equal(t.received('x', true, 1000 + TYPING_MIN_GAP_MS), true)
  assert.deepEqual(t.list(), ['x'])
  assert.equal(changes, 1)
  await new Promise((r) => setTimeout(r, 120))
  assert.deepEqual(t.list(), [])
  assert.equal(changes, 2)
  t.received('y', true)
  t.received('y', false)
  assert.deepEqual(t.list(), [])
  t.close()
})

test('typing: a peer alternating start and stop is held to the same gap', () => {
  let changes = 0
  const t = new Typing(() => changes++, 5000)
  for (let n = 0; n < 100; n++) {
    t.received('x', true, 1000 + n)
    t.received('x', false, 1000 + n)
  }
  assert.equal(changes, 8, 'four starts and their stops, not 200 updates')
  // After a gap, it may start again.
  assert.equal(t.received('x', true, 1000 + 100 + TYPING_MIN_GAP_MS), true)
  t.close()
})

test('typing: a message says "stopped" only when peers were told we type', () => {
  const t = new Typing(() => {}, 5000)
  assert.equal(t.sent(1000), false, 'no keystroke: no frame for each message sent')
  assert.equal(t.shouldSend(2000), true)
  assert.equal(t.sent(2500), true, 'typing shown: the message ends it')
  assert.equal(t.sent(2600), false)
  assert.equal(t.shouldSend(10_000), true)
  assert.equal(t.sent(16_000), false, 'their indicator lapsed by itself already')
  t.close()
})

test('entries: replies, mentions, reactions and the bot flag are validated on read', () => {
  const ok = decodeBlock(
    encodeBlock('n', -1, [
      { t: 'text', h: 1, text: 'hi', re: { w: W, seq: 1, i: 0 }, m: [W] },
      { t: 'react', h: 2, target: { w: W, seq: 1, i: 0 }, e: '👍🏽', on: true },
      { t: 'profile', h: 3, name: 'B', avatar: null, bot: true },
    ]),
  )
  assert.equal(ok.invalid, 0)
  const bad = decodeBlock(
    encodeBlock('n', -1, [
      { t: 'text', h: 1, text: 'hi', re: { w: 'zz', seq: 1, i: 0 } },
      { t: 'text', h: 1, text: 'hi', m: Array(21).fill(W) },
      { t: 'react', h: 2, target: { w: W, seq: 1, i: 0 }, e: 'a', on: true },
      { t: 'react', h: 2, target: { w: W, seq: 1, i: 0 }, e: '👍'.repeat(20), on: true },
      { t: 'react', h: 2, target: { w: W, seq: -1, i: 0 }, e: '👍', on: true },
      { t: 'react', h: 2, target: { w: W, seq: 1, i: 0 }, e: '1', on: true },
    ] as any),
  )
  assert.equal(bad.invalid, 6)
  assert.equal(bad.entries.length, 0)
})

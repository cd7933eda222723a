import { test } from 'node:test'
import assert from 'node:assert/strict'
import { commands, dispatch, parseCommand, safeReply } from '../../bot/commands/index'
import type { CommandContext } from '../../bot/commands/index'
import { escapeMarkdown, formatDuration } from '../../bot/commands/format'
import { parseDice } from '../../bot/commands/roll'
import { MAX_TEXT_BYTES } from '../../src/shared/limits'

// The handlers are pure functions of their context; the real-room tests in bot.test.ts
// run them against real engines. Here: parsing, validation, and the no-loop guarantee.

const ALICE = 'a1'.repeat(32)
function ctx(over: Partial<CommandContext> = {}): Omit<CommandContext, 'commands'> {
  return {
    room: 'r'.repeat(64),
    author: ALICE,
    authorName: 'Alice',
    sentAt: 1_000_000,
    receivedAt: 1_000_012,
    startedAt: 1_000_000 - 3_723_000,
    now: () => 1_000_000,
    peers: () => [],
    ping: async () => [],
    ...over,
  }
}

test('parseCommand: `!` then a letter; anything else is not a command', () => {
  assert.deepEqual(parseCommand('!ping'), { name: 'ping', args: '' })
  assert.deepEqual(parseCommand('  !ROLL   2d6  '), { name: 'roll', args: '2d6' })
  assert.deepEqual(parseCommand('!echo a\nb'), { name: 'echo', args: 'a\nb' })
  for (const text of [
    'ping',
    'hi !ping',
    '!',
    '!!!',
    '! ping',
    '!1d6',
    '',
    '\u200b!ping',
    '`!ping`',
  ]) {
    assert.equal(parseCommand(text), null, JSON.stringify(text))
  }
})

test('no reply is ever a command, whatever a handler returns', () => {
  for (const text of ['!ping', '  !help', '!echo x', 'fine'])
    assert.equal(parseCommand(safeReply(text)), null)
  assert.equal(safeReply('fine'), 'fine')
  const long = safeReply('é'.repeat(MAX_TEXT_BYTES))
  assert.ok(new TextEncoder().encode(long).length <= MAX_TEXT_BYTES)
  assert.ok(long.endsWith('…'))
})

test('!echo of a command comes back as text that is not a command', async () => {
  for (const input of ['!echo !ping', '!echo    !echo !ping', '!echo  !help']) {
    const r = await dispatch(input, ctx())
    assert.ok(r)
    assert.equal(parseCommand(r.reply), null, r.reply)
    assert.match(r.reply, /^echo: !/)
  }
  assert.equal((await dispatch('!echo', ctx()))?.reply, 'Usage: `!echo <text>`')
})

test('unknown commands get a short hint; plain text gets nothing', async () => {
  assert.equal(
    (await dispatch('!frobnicate now', ctx()))?.reply,
    'Unknown command. Try `!help` for the list.',
  )
  assert.equal(await dispatch('hello', ctx()), null)
})

test('!help lists every registered command', async () => {
  const r = await dispatch('!help', ctx())
  for (const c of commands) assert.ok(r?.reply.includes(c.usage), c.usage)
  assert.equal(new Set(commands.map((c) => c.name)).size, commands.length)
})

test('!roll validates N in 1..100 and M in 2..1000', async () => {
  assert.deepEqual(parseDice('2d6'), { dice: 2, sides: 6 })
  assert.deepEqual(parseDice('100D1000'), { dice: 100, sides: 1000 })
  for (const bad of [
    '',
    'd6',
    '2d',
    '0d6',
    '101d6',
    '1d1',
    '1d1001',
    '2x6',
    '2d6 extra',
    '-1d6',
    '1.5d6',
    '9999999d6',
  ]) {
    assert.ok('error' in parseDice(bad), bad)
  }
  const r = await dispatch('!roll 3d6', ctx())
  const m = /^rolled 3d6: (\d) \+ (\d) \+ (\d) = \*\*(\d+)\*\*$/u.exec(r?.reply ?? '')
  assert.ok(m, r?.reply)
  const dice = [m[1], m[2], m[3]].map(Number)
  assert.ok(dice.every((d) => d >= 1 && d <= 6))
  assert.equal(Number(m[4]), dice[0] + dice[1] + dice[2])
  assert.match((await dispatch('!roll 0d6', ctx()))?.reply ?? '', /1 to 100 dice/)
  assert.match((await dispatch('!roll 1d1', ctx()))?.reply ?? '', /2 to 1000 sides/)
})

test('!ping reports the round trip to the author, else to whoever is connected', async () => {
  const alice = { key: ALICE, name: 'Alice', room: 'r' }
  const bob = { key: 'b0'.repeat(32), name: 'Bob_', room: 'r' }
  const direct = await dispatch(
    '!ping',
    ctx({
      ping: async () => [
        { peer: bob, ms: 7 },
        { peer: alice, ms: 0.42 },
      ],
    }),
  )
  assert.equal(
    direct?.reply,
    'pong: round trip to Alice 0.4 ms · your message took 12 ms to arrive',
  )
  const relayed = await dispatch(
    '!ping',
    ctx({ receivedAt: 0, ping: async () => [{ peer: bob, ms: 23.4 }] }),
  )
  assert.equal(
    relayed?.reply,
    'pong: you are not connected to me directly; round trips: Bob\\_ 23 ms',
  )
  assert.equal(
    (await dispatch('!ping', ctx({ receivedAt: 0 })))?.reply,
    'pong: no peer answered a ping right now',
  )
})

test('!uptime and !peers', async () => {
  assert.match((await dispatch('!uptime', ctx()))?.reply ?? '', /^up 1h 2m 3s \(since /)
  assert.equal((await dispatch('!peers', ctx()))?.reply, 'No peers connected to me in this room.')
  const peers = [{ key: ALICE, name: '*Alice*', room: 'r' }]
  assert.equal(
    (await dispatch('!peers', ctx({ peers: () => peers })))?.reply,
    `1 peer connected: \\*Alice\\* (a1a1…a1a1)`,
  )
})

test('format helpers', () => {
  assert.equal(formatDuration(0), '0s')
  assert.equal(formatDuration(90_061_000), '1d 1h 1m 1s')
  assert.equal(formatDuration(3_600_000), '1h 0m 0s')
  assert.equal(escapeMarkdown('[x](y) `z`'), '\\[x\\]\\(y\\) \\`z\\`')
})

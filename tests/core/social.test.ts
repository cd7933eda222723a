import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import type { LinkupNode } from '../../src/core/node'
import type { TimelineEntry, TypingInfo } from '../../src/shared/types'
import { Cluster, connected, find, useCluster, waitForTexts } from '../helpers/nodes'
import { tempDir, until } from '../helpers/net'
import { appendRaw } from '../files/helpers'

// Replies, reactions, mentions and typing between real members on a private testnet.

let cluster: Cluster
useCluster((c) => (cluster = c))

async function pair(name: string): Promise<{ alice: LinkupNode; bob: LinkupNode; room: string }> {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const room = (await alice.createRoom(name)).key
  await bob.joinRoom(room)
  await connected(alice, bob, room)
  return { alice, bob, room }
}

async function entryOn(
  node: LinkupNode,
  room: string,
  id: string,
  ok: (e: TimelineEntry) => boolean,
) {
  return until(`${node.profile.name} to see ${id.slice(-6)} as expected`, async () => {
    const e = (await node.history(room, { limit: 1000 })).find((x) => x.id === id)
    return e && ok(e) ? e : null
  })
}

test('a reply names the entry it quotes; the quoted author and first line are read back', async () => {
  const { alice, bob, room } = await pair('replies')
  const original = await alice.send(room, 'Lunch at noon?\nI can book a table.')
  await waitForTexts(bob, room, [original.text])
  const reply = await bob.send(room, 'Yes please', { replyTo: original.id })
  assert.equal(reply.replyTo, original.id)
  const seen = await entryOn(alice, room, reply.id, (e) => e.replyTo === original.id)
  const quoted = await alice.entry(room, seen.replyTo!)
  assert.equal(quoted?.authorName, 'Alice')
  assert.equal(quoted?.text.split('\n')[0], 'Lunch at noon?')
  // Bad input: a clear error, nothing written.
  const before = bob.memberKey(room)
  await assert.rejects(
    bob.send(room, 'to nowhere', { replyTo: `${before}.999.0` }),
    /not in this room/,
  )
  assert.equal(await bob.entry(room, `${'ab'.repeat(32)}.0.0`), null)
})

test('reactions toggle, count one per member per emoji, and say who', async () => {
  const { alice, bob, room } = await pair('reactions')
  const msg = await alice.send(room, 'Shipped!')
  await waitForTexts(bob, room, [msg.text])
  await bob.react(room, msg.id, '🎉')
  await alice.react(room, msg.id, '🎉')
  await alice.react(room, msg.id, '👍')
  const both = await entryOn(alice, room, msg.id, (e) => e.reactions?.[0]?.count === 2)
  assert.deepEqual(
    both.reactions!.map((r) => [r.emoji, r.count, r.mine]),
    [
      ['🎉', 2, true],
      ['👍', 1, true],
    ],
  )
  assert.deepEqual(both.reactions![0].who.map((w) => w.name).sort(), ['Alice', 'Bob'])
  // Toggling again takes Bob's reaction away; it never counts twice.
  await bob.react(room, msg.id, '🎉')
  const after = await entryOn(alice, room, msg.id, (e) => e.reactions?.[0]?.count === 1)
  assert.deepEqual(
    after.reactions![0].who.map((w) => w.name),
    ['Alice'],
  )
  const onBob = await entryOn(bob, room, msg.id, (e) => e.reactions?.[0]?.count === 1)
  assert.equal(onBob.reactions![0].mine, false)
  await assert.rejects(bob.react(room, msg.id, 'lol'), /one emoji/)
  await assert.rejects(bob.react(room, `${alice.memberKey(room)}.999.0`, '👍'), /not in this room/)
})

test('hostile reactions: forged targets, floods of emojis and junk are bounded and skipped', async () => {
  const { alice, bob, room } = await pair('hostile reactions')
  const msg = await alice.send(room, 'target')
  await waitForTexts(bob, room, [msg.text])
  const a = alice.memberKey(room)
  const emojis = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩🤔🤨😐😑😶']
  await appendRaw(bob, room, [
    // 25 different emojis: only the first 20 are kept.
    ...emojis.map((e, n) => ({
      t: 'react' as const,
      h: Date.now() * 1024 + n,
      target: { w: a, seq: msg.id.split('.').map(Number)[1], i: 0 },
      e,
      on: true,
    })),
    // A target that cannot exist (beyond the writer's core) and a writer nobody knows.
    {
      t: 'react',
      h: Date.now() * 1024 + 50,
      target: { w: a, seq: 10_000, i: 0 },
      e: '👍',
      on: true,
    },
    {
      t: 'react',
      h: Date.now() * 1024 + 51,
      target: { w: 'cd'.repeat(32), seq: 0, i: 0 },
      e: '👍',
      on: true,
    },
  ] as any)
  // Junk in the same shape: not an emoji, text as emoji, a bad key. Skipped and counted.
  const invalidBefore = alice.stats.invalidEntries
  await appendRaw(bob, room, [
    {
      t: 'react',
      h: Date.now() * 1024 + 60,
      target: { w: a, seq: 0, i: 0 },
      e: '<b>hi</b>',
      on: true,
    },
    { t: 'react', h: Date.now() * 1024 + 61, target: { w: 'zz', seq: 0, i: 0 }, e: '👍', on: true },
  ] as any)
  await bob.send(room, 'after the junk')
  await waitForTexts(alice, room, ['after the junk'])
  const seen = await entryOn(alice, room, msg.id, (e) => (e.reactions?.length ?? 0) > 0)
  assert.equal(seen.reactions!.length, 20)
  assert.ok(seen.reactions!.every((r) => r.count === 1))
  assert.equal(alice.stats.invalidEntries - invalidBefore, 2)
  assert.equal(alice.room(room).social.reactions.size, 1, 'forged targets are not held')
})

test('mentions are matched by member key, not by name', async () => {
  const alice = await cluster.node('Sam')
  const bob = await cluster.node('Bob')
  const twin = await cluster.node('Sam')
  const room = (await alice.createRoom('mentions')).key
  await bob.joinRoom(room)
  await twin.joinRoom(room)
  await connected(alice, bob, room)
  await connected(twin, bob, room)
  await until(
    'bob knows both Sams',
    () => bob.members(room).filter((m) => m.name === 'Sam').length === 2,
  )
  const sam = alice.memberKey(room)
  const sent = await bob.send(room, '@Sam can you look?', { mentions: [sam, 'ef'.repeat(32)] })
  assert.deepEqual(sent.mentions, [sam], 'keys that are not members are dropped')
  const onAlice = await entryOn(alice, room, sent.id, () => true)
  const onTwin = await entryOn(twin, room, sent.id, () => true)
  assert.equal(onAlice.mentioned, true)
  assert.equal(onTwin.mentioned, false, 'the other Sam is not mentioned')
  assert.equal(sent.mentioned, false)
})

test('typing travels on the channel, is rate-limited, lapses, and is never stored', async () => {
  const { alice, bob, room } = await pair('typing')
  // Names come from signed entries only: Bob learns Alice's name from her first message.
  await alice.send(room, 'hello')
  await waitForTexts(bob, room, ['hello'])
  const events: TypingInfo[] = []
  bob.on('typing:updated', (t) => t.room === room && events.push(t))
  const core = alice.room(room).timeline.writers.get(alice.memberKey(room))!.core
  const lengthBefore = core.length
  const config = path.join(alice.storage, 'config.json')
  // Settle what joining writes (Bob's writer key), so only typing could change it now.
  await until('Alice stored Bob’s writer key', async () =>
    (await fs.readFile(config, 'utf8')).includes(bob.memberKey(room)),
  )
  const configBefore = await fs.readFile(config, 'utf8')
  for (let n = 0; n < 20; n++) alice.typing(room)
  const shown = await until('Bob sees Alice typing', () =>
    events.find((e) => e.members.length === 1),
  )
  assert.equal(shown.members[0].name, 'Alice')
  assert.equal(shown.members[0].key, alice.memberKey(room))
  const gone = await until(
    'the indicator lapses',
    () => events.find((e) => e.members.length === 0),
    10_000,
  )
  assert.ok(gone)
  // Twenty keystrokes became one frame: one start and one lapse.
  assert.equal(events.length, 2)
  assert.equal(core.length, lengthBefore, 'nothing was appended to Alice’s core')
  assert.equal(await fs.readFile(config, 'utf8'), configBefore)
  // A message ends the indicator at once.
  alice.room(room).social.typing.sent()
  alice.typing(room)
  await until('typing again', () => events.length === 3)
  await alice.send(room, 'done typing')
  await until('the message ends it', () => events.length === 4 && events[3].members.length === 0)
})

test('reactions and replies reach a late joiner through store-and-forward, and survive restarts', async () => {
  const aliceDir = await tempDir()
  const alice = await cluster.node('Alice', aliceDir)
  const bob = await cluster.node('Bob')
  const room = (await alice.createRoom('late')).key
  await bob.joinRoom(room)
  await connected(alice, bob, room)
  const question = await alice.send(room, 'Who is in?')
  await waitForTexts(bob, room, [question.text])
  const answer = await bob.send(room, 'Me', { replyTo: question.id })
  await bob.react(room, question.id, '👍')
  await waitForTexts(alice, room, ['Me'])
  await alice.react(room, answer.id, '❤️')
  await entryOn(bob, room, answer.id, (e) => e.reactions?.length === 1)
  await alice.close()

  // Carol arrives when only Bob is online: Alice's entries reach her through Bob.
  const carol = await cluster.node('Carol')
  await carol.joinRoom(room)
  await connected(bob, carol, room)
  const q = await entryOn(carol, room, question.id, (e) => e.reactions?.[0]?.count === 1)
  assert.deepEqual(
    q.reactions!.map((r) => [r.emoji, r.who[0].name]),
    [['👍', 'Bob']],
  )
  const a = await entryOn(carol, room, answer.id, (e) => e.reactions?.length === 1)
  assert.equal(a.replyTo, question.id)
  assert.deepEqual(
    a.reactions!.map((r) => [r.emoji, r.who[0].name]),
    [['❤️', 'Alice']],
  )
  assert.equal((await carol.entry(room, a.replyTo!))?.text, 'Who is in?')

  // Alice restarts: her reactions and replies are read back from disk.
  const again = await cluster.node('Alice', aliceDir)
  const h = await again.history(room)
  assert.deepEqual(
    find(h, 'Me').reactions?.map((r) => [r.emoji, r.mine]),
    [['❤️', true]],
  )
  assert.equal(find(h, 'Me').replyTo, question.id)
  assert.deepEqual(
    find(h, 'Who is in?').reactions?.map((r) => [r.emoji, r.count]),
    [['👍', 1]],
  )
})

test('~info reports members, writers, storage, peers, fingerprint and invite', async () => {
  const { alice, room } = await pair('info')
  await alice.send(room, 'one')
  await until('Alice holds Bob’s first block', () => alice.roomStats(room).members === 2)
  const result = await alice.runCommand('~info', { room })
  assert.equal(result.ok, true)
  const stats = alice.roomStats(room)
  assert.equal(stats.members, 2)
  assert.equal(stats.peers, 1)
  assert.ok(stats.blocks >= 2 && stats.bytes > 0)
  assert.match(result.message, /Members: 2 \(writers: 2\)/)
  assert.match(result.message, /Peers connected: 1/)
  assert.match(result.message, new RegExp(`Invite: linkup://${room}`))
  assert.match(result.message, new RegExp(`fingerprint: ${alice.memberKey(room).slice(0, 4)}`))
  assert.deepEqual(await alice.runCommand('~info'), {
    ok: false,
    message: '~info works inside a room: open one first.',
  })
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import crypto from 'hypercore-crypto'
import { encodeBlock, HLC_SHIFT, type Entry } from '../../src/shared/entries'
import {
  MAX_CLOCK_AHEAD_MS,
  MAX_UNPROVEN_WRITERS_PER_PEER,
  QUOTA_BLOCKS_PER_MINUTE,
} from '../../src/shared/limits'
import type { LinkupNode } from '../../src/core/node'
import { fingerprint } from '../../src/shared/roomkey'
import { allHistory } from '../helpers/catchup'
import {
  channelTo,
  Cluster,
  connected,
  roomOf,
  texts,
  useCluster,
  waitForTexts,
} from '../helpers/nodes'
import { until } from '../helpers/net'

// A member with the room key who turns hostile, writing raw blocks into its own core and
// raw frames on the room channel. Each test is one attack; the room must still work.

let cluster: Cluster
useCluster((c) => (cluster = c))

/** Appends a block exactly as given, header name included, to the node's own core. */
async function appendBlock(node: LinkupNode, room: string, name: string, entries: Entry[]) {
  const core = node.store.get({ keyPair: node.identity.writerKeyPair(Buffer.from(room, 'hex')) })
  await core.ready()
  const seq = core.length
  await core.append(Buffer.from(encodeBlock(name, -1, entries)))
  const key = core.key.toString('hex')
  await core.close()
  return `${key}.${seq}.0`
}

test('a clock far in the future pins nothing: held back, not counted, not moving our clock', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Future')
  const wall = Date.now()
  // Just past the limit: held back for about two seconds, then shown where it sorts.
  const soon = (wall + MAX_CLOCK_AHEAD_MS + 2000) * HLC_SHIFT
  await appendBlock(mallory, room, 'Mallory', [{ t: 'text', h: soon, text: 'slightly early' }])
  await appendBlock(mallory, room, 'Mallory', [
    { t: 'text', h: Number.MAX_SAFE_INTEGER - 10, text: 'pinned last forever' },
  ])
  await bob.send(room, 'honest line from Bob')
  await waitForTexts(alice, room, ['honest line from Bob'])
  assert.ok(!(await texts(alice, room)).includes('pinned last forever'))
  assert.ok(!(await texts(alice, room)).includes('slightly early'), 'held back for now')
  assert.ok(alice.clock.tick() <= (Date.now() + MAX_CLOCK_AHEAD_MS) * HLC_SHIFT, 'clock bounded')

  // Clear and read marks cannot be pushed past later messages.
  await alice.clear(room)
  await alice.markRead(room)
  await bob.send(room, 'after the clear')
  await waitForTexts(alice, room, ['after the clear'])
  await until('Bob’s message to count as unread', () =>
    alice.rooms().find((r) => r.key === room)!.unread === 1 ? true : undefined,
  )
  // Once it is no longer in the future, the early entry shows, as it sorts.
  await waitForTexts(alice, room, ['slightly early'], 20_000)
  assert.ok(!(await texts(alice, room)).includes('pinned last forever'))
})

test('a clock that goes backwards along a core is invalid and counted', async () => {
  const { alice, mallory, room } = await cluster.trio('Backwards')
  const h = Date.now() * HLC_SHIFT
  await appendBlock(mallory, room, 'Mallory', [{ t: 'text', h, text: 'first' }])
  await appendBlock(mallory, room, 'Mallory', [{ t: 'text', h: h - 10_000, text: 'back-dated' }])
  await appendBlock(mallory, room, 'Mallory', [
    { t: 'text', h: h + 5, text: 'in order' },
    { t: 'text', h: h + 1, text: 'backwards inside a block' },
  ])
  const before = alice.stats.invalidEntries
  // Whatever order the blocks arrive in, the later entry is the invalid one.
  await waitForTexts(alice, room, ['first', 'in order'])
  await until('the backwards entries to be counted', () => alice.stats.invalidEntries >= before + 2)
  const seen = await texts(alice, room)
  assert.ok(!seen.includes('back-dated') && !seen.includes('backwards inside a block'))
})

test('names with bidi, zero-width and control characters, or 256 long, arrive cleaned', async () => {
  const { alice, mallory, room } = await cluster.trio('Names')
  const h = Date.now() * HLC_SHIFT
  const evil = '\u202eecilA\u200b\u200d\u0007' + 'x'.repeat(256)
  await appendBlock(mallory, room, evil, [{ t: 'text', h, text: 'who am I' }])
  await waitForTexts(alice, room, ['who am I'])
  const key = mallory.memberKey(room)
  const member = await until('Mallory’s block name to be read', () =>
    alice.members(room).find((m) => m.key === key && m.name !== 'Mallory'),
  )
  assert.equal(member.name, ('ecilA' + 'x'.repeat(256)).slice(0, 32))
  assert.ok(!/[\u0000-\u001f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/u.test(member.name))
  const entry = (await alice.history(room)).find((e) => e.text === 'who am I')!
  assert.equal(entry.authorName, member.name)
})

test('1,024 fake writer keys do not lock a real newcomer out, nor show as members', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Lockout')
  // Mallory passes on 1,024 keys nobody writes to, in frames of the channel's maximum.
  const ch = channelTo(mallory, alice, room)
  for (let n = 0; n < 4; n++)
    ch.sendWriters(Array.from({ length: 256 }, () => crypto.randomBytes(32).toString('hex')))
  await new Promise((r) => setTimeout(r, 500))
  // A newcomer reaches Alice only through Bob.
  const carol = await cluster.node('Carol')
  await carol.joinRoom(room)
  await connected(bob, carol, room)
  await carol.send(room, 'hello from the newcomer')
  await waitForTexts(alice, room, ['hello from the newcomer'])
  const members = alice.members(room)
  assert.ok(
    members.every((m) => m.name !== 'Anonymous'),
    'no fake key listed as a member',
  )
  assert.equal(members.length, 4, 'Alice, Bob, Mallory and Carol')
  const config = (alice as any).config.data.rooms.find((r: any) => r.key === room)
  assert.ok(config.writers.length <= 3, `${config.writers.length} writers saved`)
})

test('100,000 fake writer keys cost a bounded few, and a real newcomer still gets in', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Lockout 100k')
  const ch = channelTo(mallory, alice, room)
  const fakes = 100_000
  for (let n = 0; n < fakes; n += 256) {
    ch.sendWriters(Array.from({ length: 256 }, () => crypto.randomBytes(32).toString('hex')))
    // Let frames drain as a real sender's would; the channel itself stays valid.
    if (n % 25_600 === 0) await new Promise((r) => setImmediate(r))
  }
  const aRoom = (alice as any).rooms_.get(room)
  await until('the keys to have reached Alice', () => aRoom.admission.onProbation > 0)
  await new Promise((r) => setTimeout(r, 1000))
  const followed = aRoom.timeline.writers.size
  assert.ok(
    aRoom.admission.onProbation <= MAX_UNPROVEN_WRITERS_PER_PEER,
    `${aRoom.admission.onProbation} keys on probation`,
  )
  assert.ok(followed <= 3 + MAX_UNPROVEN_WRITERS_PER_PEER, `${followed} writers followed`)
  const carol = await cluster.node('Carol')
  await carol.joinRoom(room)
  await connected(bob, carol, room)
  await carol.send(room, 'still here after 100,000')
  await waitForTexts(alice, room, ['still here after 100,000'])
  assert.equal(alice.members(room).length, 4, 'Alice, Bob, Mallory and Carol, no fake')
  assert.ok(
    alice.peers(room).some((p) => p.key === mallory.memberKey(room)),
    'valid frames: kept',
  )
})

test('a peer that keeps sending garbage frames is disconnected and kept out for a while', async () => {
  const { alice, mallory, room } = await cluster.trio('Garbage')
  const ch = channelTo(mallory, alice, room)
  const before = alice.stats.bannedPeers
  for (let n = 0; n < 40; n++) ch.messages[n % 3].send(Buffer.from(`garbage ${n}`))
  await until('Mallory to be disconnected', () => alice.stats.bannedPeers > before)
  await until('Mallory to be gone', () => !alice.peers(room).some((p) => p.name === 'Mallory'))
  // She is not taken back while the ban lasts, though she keeps looking.
  await new Promise((r) => setTimeout(r, 3000))
  assert.ok(!alice.peers(room).some((p) => p.key === mallory.memberKey(room)))
})

test('a peer that resends its hello in a loop is disconnected; joining rooms at once is not', async () => {
  const { alice, mallory, room } = await cluster.trio('Hello flood')
  // Joining several rooms at once coalesces into one hello: Alice keeps Mallory.
  const before = alice.stats.bannedPeers
  for (let n = 0; n < 12; n++) await mallory.createRoom(`burst ${n}`)
  await new Promise((r) => setTimeout(r, 1500))
  assert.equal(alice.stats.bannedPeers, before, 'honest resends are not punished')
  assert.ok(alice.peers(room).some((p) => p.key === mallory.memberKey(room)))
  // Each hello costs Alice a tag per room: a loop of them gets Mallory dropped.
  const aliceSwarmKey = alice.swarm.keyPair.publicKey.toString('hex')
  const hello = [...(mallory as any).hellos.entries()].find(
    ([conn]: [any]) => conn.remotePublicKey.toString('hex') === aliceSwarmKey,
  )![1]
  for (let n = 0; n < 100; n++) hello.update.send(hello.tags())
  await until('Mallory to be disconnected', () => alice.stats.bannedPeers > before)
})

test('read and clear marks are kept per writer, and survive in config', async () => {
  const { alice, bob, room } = await cluster.trio('Marks')
  await bob.send(room, 'one')
  await waitForTexts(alice, room, ['one'])
  await alice.clear(room)
  await alice.markRead(room)
  await bob.send(room, 'two')
  await bob.send(room, 'three')
  await waitForTexts(alice, room, ['two', 'three'])
  const info = alice.rooms().find((r) => r.key === room)!
  assert.equal(info.unread, 2, 'both new messages unread')
  assert.ok(!(await texts(alice, room)).includes('one'), 'cleared stays cleared')
  await alice.markRead(room)
  assert.equal(alice.rooms().find((r) => r.key === room)!.unread, 0)
  // Marks survive a restart as per-writer seqs.
  const saved = (alice as any).config.data.rooms.find((r: any) => r.key === room)
  assert.ok(saved.readSeqs[bob.memberKey(room)] >= 2)
  assert.ok(saved.clearedSeqs[bob.memberKey(room)] >= 1)
})

test('a writer over its message quota is paused, others still arrive, and resume lets it in', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Flood')
  await mallory.send(room, 'first, within quota')
  await waitForTexts(alice, room, ['first, within quota'])
  const paused: unknown[] = []
  alice.on('member:paused', (p) => paused.push(p))
  // Mallory appends 2 × QUOTA_BLOCKS_PER_MINUTE blocks as fast as her core takes them.
  const core = mallory.store.get({
    keyPair: mallory.identity.writerKeyPair(Buffer.from(room, 'hex')),
  })
  await core.ready()
  const flood = Array.from({ length: 2 * QUOTA_BLOCKS_PER_MINUTE }, () =>
    Buffer.from(
      encodeBlock('Mallory', -1, [{ t: 'text', h: mallory.clock.tick(), text: 'flood' }]),
    ),
  )
  for (let n = 0; n < flood.length; n += 50) await core.append(flood.slice(n, n + 50))
  await core.close()
  await until('Mallory to be paused', () => paused.length > 0)
  const member = alice.members(room).find((m) => m.key === mallory.memberKey(room))!
  assert.equal(member.paused, 'messages')
  await bob.send(room, 'Bob during the flood')
  await waitForTexts(alice, room, ['Bob during the flood'])
  assert.ok((await texts(alice, room)).includes('first, within quota'), 'nothing received is lost')
  const floodSeen = (await allHistory(alice, room)).filter((e) => e.text === 'flood')
  assert.ok(floodSeen.length < flood.length, `${floodSeen.length} of the flood arrived`)
  // The member chooses to let it in.
  assert.equal(alice.resumeMember(room, mallory.memberKey(room)), true)
  await until(
    'the whole flood to arrive',
    async () =>
      (await allHistory(alice, room)).filter((e) => e.text === 'flood').length === flood.length ||
      undefined,
    60_000,
  )
})

test('a member who copies another’s name is marked; the one here first keeps it', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Lookalike')
  await bob.send(room, 'I am Bob')
  await waitForTexts(alice, room, ['I am Bob'])
  await mallory.setName('bob') // case differs; still the same name
  await mallory.send(room, 'I am bob too')
  await waitForTexts(alice, room, ['I am bob too'])
  const members = await until('Mallory’s new name to be read', () => {
    const list = alice.members(room)
    return list.find((m) => m.key === mallory.memberKey(room))?.name === 'bob' && list
  })
  const real = members.find((m) => m.key === bob.memberKey(room))!
  const copy = members.find((m) => m.key === mallory.memberKey(room))!
  assert.equal(real.sameNameAs, undefined, 'Bob was here first')
  assert.equal(copy.sameNameAs, fingerprint(bob.memberKey(room)))
})

test('a back-dated entry is marked “arrived late”; history from before we joined is not', async () => {
  const { alice, mallory, room } = await cluster.trio('Late')
  await mallory.send(room, 'ordinary')
  await waitForTexts(alice, room, ['ordinary'])
  // Alice has been in the room for three days; a newcomer arrives with a core made before
  // joining whose first entry claims to be two days old (its clock then only goes forward).
  ;(alice as any).rooms_.get(room).state.joined = Date.now() - 3 * 24 * 60 * 60 * 1000
  const twoDaysAgo = (Date.now() - 2 * 24 * 60 * 60 * 1000) * HLC_SHIFT
  const newcomer = await cluster.node('Newcomer')
  await appendBlock(newcomer, room, 'Newcomer', [{ t: 'text', h: twoDaysAgo, text: 'as if old' }])
  await newcomer.joinRoom(room)
  await connected(alice, newcomer, room)
  const late = await until('the back-dated entry', async () =>
    (await alice.history(room, { limit: 1000 })).find((e) => e.text === 'as if old'),
  )
  assert.equal(late.late, true)
  const ordinary = (await alice.history(room)).find((e) => e.text === 'ordinary')!
  assert.equal(ordinary.late, undefined)
})

test('reactions to entries that never come wait in a bound per member, and do not push out others', async () => {
  // Blocks arrive in any order (a neighbour pushes each writer's newest first), so a
  // reaction read before its target is kept until the target is there. Mallory writes
  // 2,000 reactions to entries that will never exist, after Bob reacted to one of Alice's
  // that is not written yet: Bob's must still count once Alice writes it.
  const { alice, bob, mallory, room } = await cluster.trio('Waiting reactions')
  const social = roomOf(alice, room).social
  const aliceKey = alice.memberKey(room)
  const next = roomOf(alice, room).timeline.writers.get(aliceKey).core.length
  const vote = (node: LinkupNode, w: string, seq: number): Entry => ({
    t: 'react',
    h: node.clock.tick(),
    target: { w, seq, i: 0 },
    e: '👍',
    on: true,
  })
  await appendBlock(bob, room, 'Bob', [vote(bob, aliceKey, next)])
  const bobKey = bob.memberKey(room)
  await until('Bob’s reaction to wait at Alice', () => social.waitingReactions(bobKey) === 1)
  for (let n = 0; n < 2000; n += 100)
    await appendBlock(
      mallory,
      room,
      'Mallory',
      Array.from({ length: 100 }, (_, k) => vote(mallory, aliceKey, 1_000_000 + n + k)),
    )
  const mKey = mallory.memberKey(room)
  await until('Mallory’s reactions to be read', () => social.waitingReactions(mKey) > 0)
  await new Promise((r) => setTimeout(r, 1000))
  assert.ok(social.waitingReactions(mKey) <= 64, `${social.waitingReactions(mKey)} of hers wait`)
  assert.equal(social.waitingReactions(bobKey), 1, 'Bob’s still waits')

  await alice.send(room, 'the message Bob reacted to')
  await until('Bob’s reaction on it', async () => {
    const item = (await alice.history(room, { limit: 5 })).find(
      (e) => e.text === 'the message Bob reacted to',
    )
    return item?.reactions?.some((r) => r.emoji === '👍' && r.count === 1) || undefined
  })
})

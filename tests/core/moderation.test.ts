import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LinkupNode } from '../../src/core/node'
import { fingerprint } from '../../src/shared/roomkey'
import { Cluster, connected, texts, useCluster, waitForTexts } from '../helpers/nodes'
import { tempDir, until } from '../helpers/net'

// Mute and block are local to each member, kept in config.json, and undone by ~unmute and
// ~unblock; a bad name is a clear error that changes nothing.

let cluster: Cluster
useCluster((c) => (cluster = c))

/** Alice's new room, with Mallory linked to her in it. */
async function withMallory(name: string) {
  const alice = await cluster.node('Alice')
  const mallory = await cluster.node('Mallory')
  const { key: room } = await alice.createRoom(name)
  await mallory.joinRoom(room)
  await connected(alice, mallory, room)
  return { alice, mallory, room, mKey: mallory.memberKey(room) }
}

/** Alice blocks the member `mKey` in `room`; returns once its channel to her closed. */
async function block(alice: LinkupNode, room: string, mKey: string): Promise<void> {
  await until('Mallory to be a member', () => alice.members(room).some((m) => m.key === mKey))
  const r = await alice.runCommand(`~block ${fingerprint(mKey)}`, { room })
  assert.ok(r.ok, r.message)
  await until('Mallory’s channel to close', () => !alice.peers(room).some((p) => p.key === mKey))
}

test('~mute hides a member here and survives a restart; ~unmute shows them again', async () => {
  const dir = await tempDir()
  let alice = await cluster.node('Alice', dir)
  const mallory = await cluster.node('Mallory')
  const { key: room } = await alice.createRoom('Mute')
  await mallory.joinRoom(room)
  await connected(alice, mallory, room)
  await mallory.send(room, 'before the mute')
  await waitForTexts(alice, room, ['before the mute'])
  await alice.markRead(room)

  const r = await alice.runCommand('~mute Mallory', { room })
  assert.ok(r.ok, r.message)
  await mallory.send(room, 'while muted')
  await new Promise((res) => setTimeout(res, 1500))
  assert.ok(!(await texts(alice, room)).some((t) => t === 'while muted' || t === 'before the mute'))
  assert.equal(alice.rooms().find((x) => x.key === room)!.unread, 0)
  assert.match((await alice.runCommand('~peers', { room })).message, /Mallory .*: muted/u)

  await alice.close()
  alice = await cluster.node('Alice', dir)
  await connected(alice, mallory, room)
  assert.ok(!(await texts(alice, room)).includes('while muted'), 'still muted after a restart')
  assert.equal(alice.members(room).find((m) => m.name === 'Mallory')?.muted, true)
  assert.ok((await alice.runCommand('~unmute Mallory', { room })).ok)
  await waitForTexts(alice, room, ['before the mute', 'while muted'])
})

test('~block stops syncing with a member in that room; ~unblock resumes', async () => {
  const dir = await tempDir()
  let alice = await cluster.node('Alice', dir)
  const mallory = await cluster.node('Mallory')
  const bob = await cluster.node('Bob')
  const { key: room } = await alice.createRoom('Block')
  await mallory.joinRoom(room)
  await bob.joinRoom(room)
  await connected(alice, mallory, room)
  await connected(alice, bob, room)
  const mKey = mallory.memberKey(room)
  await block(alice, room, mKey)
  await mallory.send(room, 'from a blocked member')
  await bob.send(room, 'from Bob')
  await waitForTexts(alice, room, ['from Bob'])
  await new Promise((res) => setTimeout(res, 1000))
  assert.ok(!(await texts(alice, room)).includes('from a blocked member'))
  assert.ok(!alice.peers(room).some((p) => p.key === mKey), 'her channel stays refused')

  await alice.close()
  alice = await cluster.node('Alice', dir)
  await connected(alice, bob, room)
  await new Promise((res) => setTimeout(res, 1000))
  assert.ok(!(await texts(alice, room)).includes('from a blocked member'), 'blocked after restart')
  assert.equal(alice.members(room).find((m) => m.key === mKey)?.blocked ?? true, true)
  assert.ok((await alice.runCommand(`~unblock ${fingerprint(mKey)}`, { room })).ok)
  await waitForTexts(alice, room, ['from a blocked member'])
})

test('~unblock links again over the connection that is still open, at once', async () => {
  // Blocking closes the room's channel, not the socket: an authorised socket stays (it may
  // carry other rooms), and hyperswarm dials nobody it is connected to, so neither side's
  // lookups could ever open the link again on it.
  const { alice, mallory, room, mKey } = await withMallory('Unblock')
  await block(alice, room, mKey)
  await mallory.send(room, 'while blocked')
  await new Promise((res) => setTimeout(res, 1000))
  assert.ok(!(await texts(alice, room)).includes('while blocked'))
  assert.ok((await alice.runCommand(`~unblock ${fingerprint(mKey)}`, { room })).ok)
  await until('the link to open again', () => alice.peers(room).some((p) => p.key === mKey))
  await waitForTexts(alice, room, ['while blocked'])
  await mallory.send(room, 'after the unblock')
  await waitForTexts(alice, room, ['after the unblock'])
})

test('a blocked member gets nothing more from us over the socket that stays open', async () => {
  // The socket outlives the room's channel (it may carry other rooms): the replication
  // sessions of the room's cores on it must end with the channel, or our new messages
  // would still flow to the member we blocked.
  const { alice, mallory, room, mKey } = await withMallory('Cut off')
  await alice.send(room, 'before the block')
  await waitForTexts(mallory, room, ['before the block'])
  await block(alice, room, mKey)
  const sockets = () => [...(alice as any).swarm.connections].filter((c: any) => !c.destroyed)
  assert.equal(sockets().length, 1, 'the socket stays open')
  await alice.send(room, 'after the block')
  await new Promise((res) => setTimeout(res, 1500))
  assert.ok(!(await texts(mallory, room)).includes('after the block'))
  assert.equal(sockets().length, 1, 'still over the same open socket')
})

test('a name nobody has, or two members share, is a clear error that changes nothing', async () => {
  const alice = await cluster.node('Alice')
  const twin1 = await cluster.node('Sam')
  const twin2 = await cluster.node('Sam')
  const { key: room } = await alice.createRoom('Names')
  await twin1.joinRoom(room)
  await twin2.joinRoom(room)
  await connected(alice, twin1, room)
  await connected(alice, twin2, room)
  await until('both to be members', () => alice.members(room).length === 3)
  const none = await alice.runCommand('~mute Nobody', { room })
  assert.equal(none.ok, false)
  assert.match(none.message, /No member here is called “Nobody”/u)
  const both = await alice.runCommand('~block Sam', { room })
  assert.equal(both.ok, false)
  assert.match(both.message, new RegExp(fingerprint(twin1.memberKey(room)), 'u'))
  assert.ok(alice.members(room).every((m) => !m.muted && !m.blocked))
})

test('the member list’s menu names a member by writer key; oneself and strangers are refused', async () => {
  const { alice, mallory, room, mKey } = await withMallory('Menu')
  await mallory.send(room, 'hello from Mallory')
  await waitForTexts(alice, room, ['hello from Mallory'])

  const muted = await alice.moderate(room, 'mute', mKey, true)
  assert.equal(muted.key, mKey)
  assert.equal(muted.muted, true)
  assert.ok(!(await texts(alice, room)).includes('hello from Mallory'))
  assert.equal((await alice.moderate(room, 'mute', mKey, false)).muted, false)
  await waitForTexts(alice, room, ['hello from Mallory'])

  await assert.rejects(
    alice.moderate(room, 'block', alice.memberKey(room), true),
    /No other member/u,
  )
  await assert.rejects(alice.moderate(room, 'mute', 'ab'.repeat(32), true), /No other member/u)
  assert.ok(alice.members(room).every((m) => !m.muted && !m.blocked))
  assert.equal(alice.resumeMember(room, mKey), false, 'a writer that was not paused')
})

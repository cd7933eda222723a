import assert from 'node:assert/strict'
import { test } from 'node:test'
import crypto from 'hypercore-crypto'
import fc from 'fast-check'
import {
  decodePushFrame,
  encodePushFrame,
  makePushFrame,
  MAX_PUSH_FRAME_BYTES,
  MAX_PUSHED_BLOCK_BYTES,
} from '../../src/core/net/block-push'
import { MAX_PUSHES_IN_FLIGHT } from '../../src/core/net/core-links'
import { encodeBlock, HLC_SHIFT } from '../../src/shared/entries'
import { BAD_FRAMES_BEFORE_DISCONNECT } from '../../src/shared/limits'
import type { LinkupNode } from '../../src/core/node'
import {
  channelTo,
  Cluster,
  connected,
  roomOf,
  useCluster,
  waitForTexts,
  writerSessions,
} from '../helpers/nodes'
import { until } from '../helpers/net'

// The push path for a writer's newest blocks (src/core/net/block-push.ts, pushes.ts): a
// room-channel frame with one block and its hypercore proof. A message must reach members
// through it with no replication session, and a hostile member's frames (malformed,
// forged, relabelled, oversized, flooded) must be dropped, cost it, and store nothing.

let cluster: Cluster
useCluster((c) => (cluster = c))

/** A writer core only Mallory's test holds, with `blocks` valid message blocks. */
async function privateWriter(node: LinkupNode, text: string, blocks = 1): Promise<any> {
  const core = node.store.get({ keyPair: crypto.keyPair() })
  await core.ready()
  for (let i = 0; i < blocks; i++) {
    const h = Date.now() * HLC_SHIFT + i
    await core.append(Buffer.from(encodeBlock('Nobody', -1, [{ t: 'text', h, text }])))
  }
  return core
}

const frameOf = async (core: any, index: number, assumed: number): Promise<Buffer> =>
  (await makePushFrame(core, index, assumed))!.frame

/** Re-encodes a frame after `change` edits its decoded form. */
function tampered(frame: Buffer, change: (f: any) => void): Buffer {
  const f: any = decodePushFrame(frame)!
  change(f)
  return encodePushFrame({ key: f.key, assumed: f.assumed, proof: f.proof })
}

/** The frame with its assumed length re-encoded as 2^60 (compact-encoding's 8-byte uint). */
function unsafeAssumed(frame: Buffer): Buffer {
  const f: any = decodePushFrame(frame)!
  const rest = encodePushFrame({ key: f.key, assumed: 0, proof: f.proof }).subarray(33)
  const big = Buffer.alloc(9)
  big[0] = 0xff
  big.writeBigUInt64LE(2n ** 60n, 1)
  return Buffer.concat([f.key, big, rest])
}

test('a message reaches members through pushes alone: no writer-core session on any link', async () => {
  // Ann and Cat keep one link each, which they dial (a mesh of one takes none in), Ben
  // four: a line, Ann – Ben – Cat.
  const names = ['Ann', 'Ben', 'Cat']
  const nodes: LinkupNode[] = []
  for (const [i, name] of names.entries())
    nodes.push(await cluster.node(name, undefined, { meshSize: i === 1 ? 4 : 1 }))
  const [ann, ben, cat] = nodes
  const { key: room } = await ann.createRoom('Pushed')
  await ben.joinRoom(room)
  await connected(ann, ben, room)
  await cat.joinRoom(room)
  await until('Cat to have a link', () => cat.peers(room).length > 0, 30_000)
  await Promise.all(nodes.map((node, i) => node.send(room, `hello from ${names[i]}`)))
  const sent = names.map((name) => `hello from ${name}`)
  for (const node of nodes) await waitForTexts(node, room, sent, 30_000)
  // With a mesh of one link each, a message to someone not linked to its author went
  // through a member in between: pushed twice, no session opened for it anywhere.
  const linked = (a: LinkupNode, b: LinkupNode) =>
    a.peers(room).some((p) => p.key === b.memberKey(room))
  assert.ok(!nodes.every((a) => nodes.every((b) => a === b || linked(a, b))), 'not a full mesh')
  for (const node of nodes)
    assert.equal(writerSessions(node, room), 0, `${node.profile.name}: sessions`)
})

test('decodePushFrame: bounds, and random bytes never throw', async () => {
  const mallory = await cluster.node('Mallory0')
  const core = await privateWriter(mallory, 'bounds')
  const frame = await frameOf(core, 0, 0)
  assert.ok(decodePushFrame(frame), 'a real frame decodes')
  const bad: Array<[string, Buffer]> = [
    ['truncated', frame.subarray(0, frame.byteLength - 1)],
    ['trailing byte', Buffer.concat([frame, Buffer.from([0])])],
    ['over the size cap', Buffer.alloc(MAX_PUSH_FRAME_BYTES + 1)],
    ['no block', tampered(frame, (f) => (f.proof.block = null))],
    ['a seek', tampered(frame, (f) => (f.proof.seek = { bytes: 1, nodes: [] }))],
    ['a hash', tampered(frame, (f) => (f.proof.hash = { index: 0, nodes: [] }))],
    ['request id', tampered(frame, (f) => (f.proof.request = 7))],
    ['upgrade not from the assumed length', tampered(frame, (f) => (f.assumed = 1))],
    ['block past the signed length', tampered(frame, (f) => (f.proof.block.index = 1))],
    ['empty upgrade', tampered(frame, (f) => (f.proof.upgrade.length = 0))],
    ['no signature', tampered(frame, (f) => (f.proof.upgrade.signature = null))],
    ['assumed length past 2^53', unsafeAssumed(frame)],
    [
      'too many nodes',
      tampered(frame, (f) => {
        const node = { index: 0, size: 1, hash: Buffer.alloc(32) }
        f.proof.upgrade.nodes = Array.from({ length: 65 }, () => node)
      }),
    ],
    [
      'block over the push cap',
      tampered(frame, (f) => (f.proof.block.value = Buffer.alloc(MAX_PUSHED_BLOCK_BYTES + 1))),
    ],
    [
      'no upgrade, block not below the assumed length',
      tampered(frame, (f) => {
        f.proof.upgrade = null
        f.assumed = 0
      }),
    ],
  ]
  for (const [what, buf] of bad) assert.equal(decodePushFrame(buf), null, what)
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      decodePushFrame(Buffer.from(bytes))
    }),
    { numRuns: 2000 },
  )
  fc.assert(
    fc.property(fc.nat(frame.byteLength - 1), fc.nat(255), (at, byte) => {
      const copy = Buffer.from(frame)
      copy[at] = byte
      decodePushFrame(copy)
    }),
  )
  await core.close()
})

test('forged, relabelled, tampered and malformed pushes are dropped, store nothing, and cost the sender its link', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Forged')
  const ch = channelTo(mallory, alice, room)
  const push = (buf: Buffer) => ch.messages[6].send(buf)
  const aliceRoom = roomOf(alice, room)
  const dropped = () => alice.stats.droppedFrames

  // A writer of Mallory's making, with a valid block: its signature, its value, its key.
  const w1 = await privateWriter(mallory, 'one')
  const w2 = await privateWriter(mallory, 'two')
  const good = await frameOf(w1, 0, 0)
  const before = dropped()
  push(Buffer.from('not a push frame'))
  push(Buffer.alloc(MAX_PUSH_FRAME_BYTES + 10))
  push(tampered(good, (f) => (f.proof.upgrade.signature = Buffer.alloc(64, 7))))
  push(tampered(good, (f) => (f.proof.block.value = Buffer.from('{"forged":true}'))))
  push(tampered(good, (f) => (f.key = w2.key))) // w1's block, said to be w2's
  // Bob's key on a block of Mallory's, its proof made for the length Alice has of Bob's
  // core: the next block of Bob's, as far as its shape goes.
  const bobAtAlice = aliceRoom.timeline.writers.get(bob.memberKey(room)).core
  const bobLength = bobAtAlice.length
  const w3 = await privateWriter(mallory, 'three', bobLength + 1)
  push(tampered(await frameOf(w3, bobLength, bobLength), (f) => (f.key = bobAtAlice.key)))
  await until('each bad push to be counted', () => dropped() - before >= 6)
  const w1Key = w1.key.toString('hex')
  const w2Key = w2.key.toString('hex')
  for (const key of [w1Key, w2Key]) {
    const w = aliceRoom.timeline.writers.get(key)
    assert.ok(!w || !(await w.core.has(0)), 'nothing of a forged push is stored')
    assert.ok(!alice.members(room).some((m) => m.key === key), 'not a member')
  }
  assert.equal(bobAtAlice.length, bobLength, 'Bob’s core did not take Mallory’s block')

  // More of them, and Mallory is dropped and banned; Bob's messages still arrive.
  const banned = alice.stats.bannedPeers
  for (let n = 0; n < BAD_FRAMES_BEFORE_DISCONNECT + 1; n++)
    push(tampered(good, (f) => (f.proof.upgrade.signature = crypto.randomBytes(64))))
  await until('Mallory to be disconnected', () => alice.stats.bannedPeers > banned)
  await bob.send(room, 'Bob after the forgeries')
  await waitForTexts(alice, room, ['Bob after the forgeries'])
  await Promise.all([w1.close(), w2.close(), w3.close()])
})

test('a flood of pushes costs a bounded queue; a block is applied once; nothing is lost', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Pushflood')
  const ch = channelTo(mallory, alice, room)
  const aliceRoom = roomOf(alice, room)
  const w = await privateWriter(mallory, 'pushed once')
  const wKey = w.key.toString('hex')
  // What Alice makes of each push of w (others' pushes, Bob's and Mallory's, go on as usual).
  const results: Array<string | null> = []
  const inFlight: number[] = []
  const apply = aliceRoom.applyPush.bind(aliceRoom)
  aliceRoom.applyPush = async (from: any, key: string, frame: any) => {
    inFlight.push(aliceRoom.links.incomingByLink.get(ch.conn) ?? 0)
    const r = await apply(from, key, frame)
    if (key === wKey) results.push(r)
    return r
  }
  const copy = await frameOf(w, 0, 0)
  ch.messages[6].send(copy)
  await waitForTexts(alice, room, ['pushed once'])
  assert.deepEqual(results, ['applied'])
  // The same valid frame 2,000 times over: held already, never applied again.
  const dropped = alice.stats.droppedFrames
  const banned = alice.stats.bannedPeers
  for (let n = 0; n < 2000; n++) ch.messages[6].send(copy)
  await until(
    'the flood to be read',
    () => results.length - 1 + (alice.stats.droppedFrames - dropped) >= 2000,
  )
  await until('the queue to drain', () => aliceRoom.links.incoming.size === 0)
  assert.ok(Math.max(...inFlight) <= MAX_PUSHES_IN_FLIGHT, 'in flight at once stays bounded')
  assert.equal(results.filter((r) => r === 'applied').length, 1, 'applied once')
  assert.equal(alice.stats.bannedPeers, banned, 'a valid block resent is not a forgery')
  await bob.send(room, 'Bob after the flood')
  await mallory.send(room, 'Mallory after the flood')
  await waitForTexts(alice, room, ['Bob after the flood', 'Mallory after the flood'])
  const texts = (await alice.history(room, { limit: 100 })).map((e) => e.text)
  assert.equal(texts.filter((t) => t === 'pushed once').length, 1)
  await w.close()
})

test('a push naming a core of another room is not followed in this one', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('RoomA')
  const { key: other } = await alice.createRoom('RoomB')
  await bob.joinRoom(other)
  await connected(alice, bob, other)
  await bob.send(other, 'only in B')
  await waitForTexts(alice, other, ['only in B'])
  // Bob's room-B core, pushed by Mallory into room A (the test hands her its data).
  const bobB = bob.store.get({ keyPair: bob.identity.writerKeyPair(Buffer.from(other, 'hex')) })
  await bobB.ready()
  const ch = channelTo(mallory, alice, room)
  ch.messages[6].send(await frameOf(bobB, bobB.length - 1, 0))
  await mallory.send(room, 'after the cross-room push')
  await waitForTexts(alice, room, ['after the cross-room push'])
  const key = bob.memberKey(other)
  assert.equal(roomOf(alice, room).timeline.writers.has(key), false, 'not followed in A')
  assert.equal(roomOf(alice, room).writerCores.has(key), false)
  assert.ok(!(await alice.history(room, { limit: 100 })).some((e) => e.text === 'only in B'))
  await bobB.close()
})

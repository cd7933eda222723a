import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import b4a from 'b4a'
import crypto from 'hypercore-crypto'
import type { LinkupNode } from '../../src/core/node'
import { presenceMessage } from '../../src/core/rooms/presence'
import { HostilePeer } from '../helpers/hostile'
import { Cluster, connected, waitForTexts } from '../helpers/nodes'
import { removeTempDirs, until } from '../helpers/net'

// Mallory holds the room key and speaks the room channel by hand. She tries to show an
// absent member online (forged, replayed and cross-room beacons), to flood presence, and,
// claiming a full mesh, to send Alice dialing hundreds of keys nobody owns.

const PRESENCE = 4
const PEERS = 1

let cluster: Cluster
const hostile: HostilePeer[] = []
before(async () => {
  cluster = await Cluster.start()
})
after(async () => {
  await Promise.all(hostile.map((h) => h.destroy()))
  await cluster.close()
  await removeTempDirs()
})

async function mallory(room: string, full = false): Promise<HostilePeer> {
  const peer = await HostilePeer.start({
    bootstrap: cluster.net.bootstrap,
    topicOf: Buffer.from(room, 'hex'),
    roomKeys: [Buffer.from(room, 'hex')],
    full,
  })
  hostile.push(peer)
  await peer.waitConnected()
  return peer
}

function beacon(signer: { publicKey: Buffer; secretKey: Buffer }, roomKey: Buffer, at: number) {
  return {
    signer: b4a.toString(signer.publicKey, 'hex'),
    at,
    sig: b4a.toString(crypto.sign(presenceMessage(roomKey, at), signer.secretKey), 'hex'),
    hops: 6,
  }
}

function bobOnline(alice: LinkupNode, room: string, bobKey: string): boolean {
  return !!alice.members(room).find((m) => m.key === bobKey)?.online
}

test('forged, cross-room and replayed presence shows nobody online, and a flood is cut off', async () => {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const { key: room } = await alice.createRoom('Presence')
  const { key: other } = await alice.createRoom('Other room')
  await bob.joinRoom(room)
  await bob.joinRoom(other)
  await connected(alice, bob, room)
  await bob.send(room, 'Bob was here')
  await waitForTexts(alice, room, ['Bob was here'])
  const bobKey = bob.memberKey(room)
  // Bob's own writer key pair for this room: what a real beacon of his is signed with.
  const bobSigner = (bob as any).identity.writerKeyPair(Buffer.from(room, 'hex'))
  const keep = beacon(bobSigner, Buffer.from(other, 'hex'), Date.now())
  await bob.close()
  await until('Bob to be offline at Alice', () => !bobOnline(alice, room, bobKey), 20_000)

  const m = await mallory(room)
  await until('Mallory to be linked', () => alice.peers(room).some((p) => p.name === 'Mallory'))
  const dropped = alice.stats.droppedFrames
  // Bob's key with a random signature; Bob's real signature but over the other room.
  m.sendRoom(PRESENCE, {
    ...beacon(crypto.keyPair(), Buffer.from(room, 'hex'), Date.now()),
    signer: keep.signer,
  })
  m.sendRoom(PRESENCE, keep)
  await until('both to be counted as invalid', () => alice.stats.droppedFrames >= dropped + 2)
  assert.equal(bobOnline(alice, room, bobKey), false, 'a forged beacon shows nobody')
  // A valid beacon from someone who never wrote here is not a member's: ignored.
  m.sendRoom(PRESENCE, beacon(crypto.keyPair(), Buffer.from(room, 'hex'), Date.now()))
  // Dated far ahead, to pin Bob "online" for good: refused before any check.
  m.sendRoom(PRESENCE, { ...keep, at: Date.now() + 24 * 3600_000 })
  await new Promise((r) => setTimeout(r, 300))
  assert.equal(bobOnline(alice, room, bobKey), false)
  assert.equal(alice.members(room).filter((mm) => mm.online).length, 1, 'only Alice herself')

  // A flood of forged beacons gets her disconnected; Alice keeps working.
  for (let i = 0; i < 200; i++)
    m.sendRoom(PRESENCE, { ...keep, at: Date.now() + i, sig: 'ab'.repeat(64) })
  await until('Mallory to be disconnected', () => m.closed, 10_000)
  assert.equal(bobOnline(alice, room, bobKey), false)
  await alice.send(room, 'still fine')
})

test('a "full" member passing on hundreds of unknown keys costs a few dials, and a real member still links', async () => {
  const alice = await cluster.node('Alice2')
  const { key: room } = await alice.createRoom('Exchange')
  await alice.flushed(room)
  const mesh = (alice as any).rooms_.get(room).mesh
  let most = 0
  const sampler = setInterval(() => (most = Math.max(most, mesh.dialing.size)), 5)
  try {
    const m = await mallory(room, true)
    const junk = Array.from({ length: 256 }, () => b4a.toString(crypto.randomBytes(32), 'hex'))
    m.sendRoom(PEERS, { peers: junk })
    await until('Alice to dial some of them', () => mesh.dialing.size > 0, 10_000)
    // Alone she dials one at a time, but a key that leads nowhere does not hold her only dial.
    await until('Alice to try more while those lead nowhere', () => mesh.dialing.size > 1, 10_000)
    assert.equal(alice.peers(room).length, 0, 'a refusing member is not a link')
    const carol = await cluster.node('Carol2')
    await carol.joinRoom(room)
    await connected(alice, carol, room)
    assert.ok(most <= 4, `at most 4 dials at once, saw ${most}`)
    assert.ok(mesh.candidates.size <= 512)
  } finally {
    clearInterval(sampler)
  }
})

test('a member signing beacons in a loop is passed on at most once per 5 s', async () => {
  const alice = await cluster.node('Alice3')
  const carol = await cluster.node('Carol3')
  const eve = await cluster.node('Eve3')
  const { key: room } = await alice.createRoom('Loop')
  await carol.joinRoom(room)
  await eve.joinRoom(room)
  await connected(alice, carol, room)
  await connected(alice, eve, room)
  await eve.send(room, 'Eve is a member')
  await waitForTexts(alice, room, ['Eve is a member'])
  const eveSigner = (eve as any).identity.writerKeyPair(Buffer.from(room, 'hex'))
  const signer = b4a.toString(eveSigner.publicKey, 'hex')
  // Count Eve's beacons that Alice passes on to Carol.
  const aliceRoom = (alice as any).rooms_.get(room)
  const toCarol = aliceRoom.openChannels().find((ch: any) => ch.writer === carol.memberKey(room))
  let relayed = 0
  const send = toCarol.sendPresence.bind(toCarol)
  toCarol.sendPresence = (frame: any) => {
    if (frame.signer === signer) relayed++
    send(frame)
  }
  const eveRoom = (eve as any).rooms_.get(room)
  const toAlice = eveRoom.openChannels().find((ch: any) => ch.writer === alice.memberKey(room))
  // Past the gap since Eve's beacon at link time, 50 fresh valid beacons at once.
  await new Promise((r) => setTimeout(r, 5200))
  const now = Date.now()
  for (let i = 0; i < 50; i++)
    toAlice.sendPresence(beacon(eveSigner, Buffer.from(room, 'hex'), now + i))
  await until('one of them to be passed on', () => relayed > 0)
  await new Promise((r) => setTimeout(r, 500))
  assert.equal(relayed, 1, 'the other 49 were dropped')
})

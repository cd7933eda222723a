import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'
import b4a from 'b4a'
import crypto from 'hypercore-crypto'
import { HELLO_BYTES } from '../../src/core/net/hello'
import { roomTopic } from '../../src/core/net/crypto'
import { Cluster, connected, waitForTexts } from '../helpers/nodes'
import { HostilePeer } from '../helpers/hostile'
import { removeTempDirs, tempDir, until } from '../helpers/net'

// A room is sealed by its key. Alice is in rooms A and B; Mallory holds only A's key and
// talks to Alice's node with raw protomux/corestore. Nothing of B may reach her.

const PROBE_MS = 5000

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

async function twoRooms() {
  const alice = await cluster.node('Alice')
  const carol = await cluster.node('Carol')
  const a = await alice.createRoom('Room A')
  const b = await alice.createRoom('Secret B')
  await carol.joinRoom(b.key)
  await connected(alice, carol, b.key)
  const dir = await tempDir()
  await fs.writeFile(path.join(dir, 'b.txt'), 'only for room B')
  await fs.writeFile(path.join(dir, 'a.txt'), 'for room A')
  await alice.send(b.key, 'written only in room B')
  const fileB = await alice.sendFile(b.key, path.join(dir, 'b.txt'))
  const fileA = await alice.sendFile(a.key, path.join(dir, 'a.txt'))
  await alice.send(a.key, 'hello room A')
  await alice.flushed(a.key)
  return { alice, carol, a: a.key, b: b.key, fileA, fileB }
}

test('a member of room A learns nothing of room B, and gets none of its cores', async () => {
  const { alice, a, b, fileB } = await twoRooms()
  const mallory = await HostilePeer.start({
    bootstrap: cluster.net.bootstrap,
    topicOf: Buffer.from(a, 'hex'),
    roomKeys: [Buffer.from(a, 'hex')],
  })
  hostile.push(mallory)
  await mallory.waitConnected()
  // She is a member of A: room A's history does reach her (so this test can tell).
  const aWriter = Buffer.from(alice.memberKey(a), 'hex')
  assert.ok((await mallory.requestByKey(aWriter, PROBE_MS)) > 0, 'room A replicates to her')

  const bWriter = Buffer.from(alice.memberKey(b), 'hex')
  const bDrive = Buffer.from(alice.drives(b).key, 'hex')
  const bBlobs = alice.drives(b).own.blobs.core.key
  for (const [what, needle] of Object.entries({
    'B topic': roomTopic(Buffer.from(b, 'hex')),
    'B key': Buffer.from(b, 'hex'),
    'B writer key': bWriter,
    'B drive key': bDrive,
    'B blobs key': bBlobs,
    'B name': Buffer.from('Secret B'),
    'B message': Buffer.from('written only in room B'),
    'B file': Buffer.from('only for room B'),
    'B file path': Buffer.from(fileB.file!.path),
  }))
    assert.ok(!mallory.saw(needle), `she saw the ${what}`)

  // Asking for B's cores by key (she learned them elsewhere) brings nothing...
  assert.equal(await mallory.requestByKey(bWriter, PROBE_MS), 0, 'B writer core by key')
  assert.equal(await mallory.requestByKey(bDrive, 1000), 0, 'B drive by key')
  // ...and by discovery key the answer is the one a core that does not exist gets.
  const probe = (key: Buffer) => mallory.probeDiscoveryKey(crypto.discoveryKey(key), 2000)
  const none = await probe(crypto.randomBytes(32))
  assert.equal(await probe(bWriter), none)
  assert.equal(await probe(bDrive), none)
  assert.equal(await probe(bBlobs), none)
})

test('listing room A’s drive shows only room A’s files', async () => {
  const { alice, a, b, fileA } = await twoRooms()
  const bob = await cluster.node('Bob')
  await bob.joinRoom(a)
  await connected(alice, bob, a)
  assert.equal(fileA.file!.drive, alice.drives(a).key)
  assert.notEqual(alice.drives(a).key, alice.drives(b).key)
  const drive = await bob.drives(a).open(fileA.file!.drive)
  await until(
    'the drive index to arrive',
    async () => (await drive.entry(fileA.file!.path)) !== null,
  )
  const paths: string[] = []
  for await (const entry of drive.list('/')) paths.push(entry.key)
  assert.deepEqual(paths, [fileA.file!.path])
  assert.equal((await bob.download(a, fileA.id)).entry.fileState, 'ready')
})

test('a peer with no key gets only a fixed-size hello, then is dropped', async () => {
  const { a } = await twoRooms()
  const outsider = await HostilePeer.start({
    bootstrap: cluster.net.bootstrap,
    topicOf: Buffer.from(a, 'hex'),
  })
  hostile.push(outsider)
  await outsider.waitConnected()
  await until('the outsider to be disconnected', () => outsider.closed)
  const got = outsider.bytes()
  // The hello (HELLO_BYTES of tags and padding) plus protomux framing, and nothing else.
  assert.ok(got.length >= HELLO_BYTES && got.length < HELLO_BYTES + 128, `${got.length} bytes`)
  assert.ok(got.includes(Buffer.from('linkup/hello/1')))
  for (const other of ['linkup/room', 'hypercore/alpha', 'Alice', 'Room A', 'Secret B'])
    assert.ok(!got.includes(Buffer.from(other)), `it got ${other}`)
})

test('a peer claiming another member’s writer key without its secret is never that member', async () => {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const { key: room } = await alice.createRoom('Claims')
  await bob.joinRoom(room)
  await connected(alice, bob, room)
  const bobKey = bob.memberKey(room)
  await until('Bob to be a member at Alice', () =>
    alice.members(room).some((m) => m.key === bobKey),
  )
  await bob.close()
  await until('Bob to be offline at Alice', () => !alice.peers(room).some((p) => p.key === bobKey))
  const dropped = alice.stats.droppedPeers
  const bobSigner = (bob as any).identity.writerKeyPair(Buffer.from(room, 'hex')).publicKey
  const mallory = await HostilePeer.start({
    bootstrap: cluster.net.bootstrap,
    topicOf: Buffer.from(room, 'hex'),
    roomKeys: [Buffer.from(room, 'hex')],
    claim: bobSigner, // signs with her own key
  })
  hostile.push(mallory)
  await mallory.waitConnected()
  await until('Mallory to be dropped', () => mallory.closed)
  assert.ok(alice.stats.droppedPeers > dropped)
  assert.ok(!alice.peers(room).some((p) => p.key === bobKey))
  assert.equal(alice.members(room).find((m) => m.key === bobKey)?.online, false)
})

test('two members sharing rooms A and B on one connection: chat, relay, files, avatars', async () => {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const dir = await tempDir()
  const png = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a2d1c1f60000000049454e44ae426082',
    'hex',
  )
  await fs.writeFile(path.join(dir, 'me.png'), png)
  await alice.setAvatar(path.join(dir, 'me.png'))
  const a = (await alice.createRoom('A')).key
  const b = (await alice.createRoom('B')).key
  await bob.joinRoom(a)
  await bob.joinRoom(b)
  await connected(alice, bob, a)
  await connected(alice, bob, b)
  assert.equal(alice.swarm.connections.size, 1, 'one connection carries both rooms')
  for (const room of [a, b]) {
    await alice.send(room, `hi ${room.slice(0, 4)}`)
    await bob.send(room, `yo ${room.slice(0, 4)}`)
    await waitForTexts(bob, room, [`hi ${room.slice(0, 4)}`])
    await waitForTexts(alice, room, [`yo ${room.slice(0, 4)}`])
    await fs.writeFile(path.join(dir, 'f.txt'), `file of ${room}`)
    const sent = await alice.sendFile(room, path.join(dir, 'f.txt'))
    await until('the file entry at Bob', async () =>
      (await bob.history(room)).some((e) => e.id === sent.id),
    )
    assert.equal((await bob.download(room, sent.id)).entry.fileState, 'ready')
    const aliceKey = alice.memberKey(room)
    await until('Alice’s avatar at Bob', async () => !!(await bob.readAvatar(room, aliceKey)))
    const avatar = bob.members(room).find((m) => m.key === aliceKey)!.avatar!
    assert.equal(avatar.drive, alice.drives(room).key, 'the avatar lives in that room’s drive')
  }
  // Store and forward in B: Carol joins B only, while Alice is away, and gets Alice's message from Bob.
  await alice.close()
  const carol = await cluster.node('Carol')
  await carol.joinRoom(b)
  await connected(bob, carol, b)
  await waitForTexts(carol, b, [`hi ${b.slice(0, 4)}`])
  const fromAlice = (await carol.history(b)).find((e) => e.text === `hi ${b.slice(0, 4)}`)!
  assert.equal(fromAlice.authorName, 'Alice')
  assert.ok(!b4a.equals(Buffer.from(a, 'hex'), Buffer.from(b, 'hex')))
})

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { MAX_WRITERS_PER_ROOM } from '../../src/shared/limits'
import type { LinkupNode } from '../../src/core/node'
import { MAX_HAVES_PER_FRAME } from '../../src/core/net/channel'
import {
  channelTo,
  Cluster,
  connected,
  roomOf,
  useCluster,
  waitForTexts,
  writerSessions,
} from '../helpers/nodes'
import { tempDir, until } from '../helpers/net'

// Which writer cores replicate on which links (src/core/net/core-links.ts): only where a
// neighbour needs them, told by the `haves` frame of the room channel. Messages and
// history must still reach everyone; a peer's haves frames cannot break that.

let cluster: Cluster
useCluster((c) => (cluster = c))

test('a writer core is replicated only on the links that need it; every message reaches everyone', async () => {
  const names = ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay']
  const nodes: LinkupNode[] = []
  for (const name of names) nodes.push(await cluster.node(name))
  const { key: room } = await nodes[0].createRoom('Links')
  for (const node of nodes.slice(1)) await node.joinRoom(room)
  for (const node of nodes)
    await until(`${node.profile.name} to have a link`, () => node.peers(room).length > 0, 30_000)
  const sent = names.map((name) => `hello from ${name}`)
  await Promise.all(nodes.map((node, i) => node.send(room, sent[i])))
  for (const node of nodes) await waitForTexts(node, room, sent, 30_000)
  // Every core on every link would be links × 6 cores, seen from each end. Here each link
  // carries the two members' own cores, and another writer's only where it was fetched.
  const all = nodes.reduce((sum, node) => sum + node.peers(room).length * nodes.length, 0)
  const held = nodes.reduce((sum, node) => sum + writerSessions(node, room), 0)
  assert.ok(held <= all * 0.75, `${held} sessions, every core on every link would be ${all}`)
})

test('haves frames: malformed ones are dropped and counted, floods and lies cost a bounded map, nothing is lost', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Haves')
  const ch = channelTo(mallory, alice, room)
  const haves = ch.messages[5]
  const key = () => randomBytes(32).toString('hex')

  const dropped = alice.stats.droppedFrames
  const malformed = [
    '{"haves":[]}',
    `{"haves":[["${'z'.repeat(64)}",1,1]]}`,
    `{"haves":[["${key()}",-1,0]]}`,
    `{"haves":[["${key()}",1.5,1]]}`,
    `{"haves":[["${key()}",2,3]]}`,
    `{"haves":[["${key()}",2]]}`,
    JSON.stringify({ haves: Array.from({ length: MAX_HAVES_PER_FRAME + 1 }, () => [key(), 1, 1]) }),
    '\u0000not json',
  ]
  for (const frame of malformed) haves.send(Buffer.from(frame))
  await until(
    'each malformed haves frame to be counted',
    () => alice.stats.droppedFrames - dropped >= malformed.length,
  )

  // A flood of made-up writers, and a lie about Bob's core: Alice remembers at most one
  // room's worth of writers for Mallory's link and follows none of the made-up ones.
  const lie = [bob.memberKey(room), Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
  for (let n = 0; n < 5; n++)
    haves.send(
      Buffer.from(
        JSON.stringify({ haves: [lie, ...Array.from({ length: 255 }, () => [key(), 1e9, 1e9])] }),
      ),
    )
  const aliceRoom = roomOf(alice, room)
  const malloryConn = channelTo(alice, mallory, room).conn
  await until(
    'the flood to be read',
    () => aliceRoom.links.remote.get(malloryConn)?.size >= MAX_WRITERS_PER_ROOM,
  )
  assert.ok(aliceRoom.links.remote.get(malloryConn).size <= MAX_WRITERS_PER_ROOM)
  await bob.send(room, 'Bob after the lie')
  await mallory.send(room, 'Mallory still a member')
  await waitForTexts(alice, room, ['Bob after the lie', 'Mallory still a member'])
  assert.equal(alice.members(room).length, 3, 'Alice, Bob and Mallory: no made-up writer')
  assert.equal(aliceRoom.timeline.writers.size, 3, 'no made-up writer followed')
  assert.ok(
    alice.peers(room).some((p) => p.key === mallory.memberKey(room)),
    'well-formed frames: Mallory stays',
  )
})

test('history a neighbour holds reaches a late joiner through it, without its author', async () => {
  const ann = await cluster.node('Ann2')
  const ben = await cluster.node('Ben2')
  const { key: room } = await ann.createRoom('Late')
  await ben.joinRoom(room)
  await connected(ann, ben, room)
  const written = Array.from({ length: 40 }, (_, i) => `early ${i}`)
  for (const text of written) await ann.send(room, text)
  await waitForTexts(ben, room, written)
  const annKey = ann.memberKey(room)
  await ann.close()
  const cat = await cluster.node('Cat2')
  await cat.joinRoom(room)
  await connected(ben, cat, room)
  await waitForTexts(cat, room, written, 30_000)
  // Ann's core reached Cat on the link to Ben, attached there because Ben said he held it.
  const link = channelTo(cat, ben, room)
  assert.ok(roomOf(cat, room).links.isAttached(annKey, link.conn))
})

test("a member's own drive is served to whoever opens it, not pushed on every link", async () => {
  const ann = await cluster.node('Ann3')
  const ben = await cluster.node('Ben3')
  const { key: room } = await ann.createRoom('Drives')
  await ben.joinRoom(room)
  await connected(ann, ben, room)
  const driveKey = ann.drives(room).key
  const link = channelTo(ann, ben, room)
  assert.ok(
    !roomOf(ann, room).links.isAttached(driveKey, link.conn),
    'no session for a drive the neighbour never opened',
  )
  // Ben reads a file entry of Ann's and opens her drive: Ann answers on that link.
  const dir = await tempDir('linkup-drive-')
  const file = path.join(dir, 'note.txt')
  await fs.writeFile(file, 'served when asked')
  const sent = await ann.sendFile(room, file)
  await until('Ben to see the file entry', async () =>
    (await ben.history(room, { limit: 10 })).some((e) => e.id === sent.id),
  )
  const got = await ben.download(room, sent.id)
  assert.equal(got.entry.fileState, 'ready')
  assert.equal(got.fetched, 'served when asked'.length)
  assert.ok(roomOf(ann, room).links.isAttached(driveKey, link.conn), 'answered once asked')
})

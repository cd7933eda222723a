import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Cluster, connected, find, texts, useCluster, waitForTexts } from '../helpers/nodes'
import { until } from '../helpers/net'
import { encodeBlock } from '../../src/shared/entries'
import type { LinkupNode } from '../../src/core/node'

let cluster: Cluster
useCluster((c) => (cluster = c))

/** The node's own writer core for a room, opened as a raw hypercore session. */
async function rawWriter(node: LinkupNode, room: string) {
  const core = node.store.get({ keyPair: node.identity.writerKeyPair(Buffer.from(room, 'hex')) })
  await core.ready()
  return core
}

test('B cannot make an entry appear as A’s, nor edit or delete A’s', async () => {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const room = await alice.createRoom('Forgery')
  await bob.joinRoom(room.key)
  await connected(alice, bob, room.key)
  const original = await alice.send(room.key, 'original')
  await waitForTexts(bob, room.key, ['original'])

  // Bob writes raw blocks into his own core: he names himself Alice and targets
  // Alice's entry position with an edit and a delete.
  const core = await rawWriter(bob, room.key)
  const { seq, i } = {
    seq: Number(original.id.split('.')[1]),
    i: Number(original.id.split('.')[2]),
  }
  const h = Date.now() * 1024
  // Positions name entries of the writer's own core, so these can only ever hit Bob's.
  await core.append(
    encodeBlock('Alice', -1, [
      { t: 'edit', h: h + 1, target: { seq, i }, text: 'forged edit' },
      { t: 'delete', h: h + 2, target: { seq, i } },
    ]),
  )
  await core.append(encodeBlock('Alice', -1, [{ t: 'text', h: h + 3, text: 'I am Alice' }]))
  await waitForTexts(alice, room.key, ['I am Alice'])
  const list = await alice.history(room.key)
  const forged = find(list, 'I am Alice')
  assert.equal(forged.author, bob.memberKey(room.key), 'the author is the core that signed it')
  assert.notEqual(forged.author, alice.memberKey(room.key))
  const mine = list.find((e) => e.id === original.id)!
  assert.equal(mine.text, 'original')
  assert.equal(mine.deleted, false)
  assert.equal(mine.edited, false)
})

test('invalid, oversized and unknown entries are skipped and counted; the node stays up', async () => {
  const alice = await cluster.node('Alice')
  const mallory = await cluster.node('Mallory')
  const room = await alice.createRoom('Garbage')
  await mallory.joinRoom(room.key)
  await connected(alice, mallory, room.key)
  const core = await rawWriter(mallory, room.key)
  const before = alice.stats.invalidEntries
  const h = Date.now() * 1024
  await core.append([
    Buffer.from('not json at all'),
    Buffer.from(JSON.stringify({ v: 2, e: [] })),
    Buffer.from(
      JSON.stringify({
        v: 1,
        e: [
          { t: 'rocket', h },
          { t: 'text', h, text: 'x'.repeat(20000) },
          { t: 'text', h: -1, text: 'neg' },
        ],
      }),
    ),
    Buffer.from(
      JSON.stringify({ v: 1, n: 'Mallory', e: [{ t: 'text', h: h + 5, text: 'still fine' }] }),
    ),
  ])
  await waitForTexts(alice, room.key, ['still fine'])
  // Newest blocks are fetched first, so the bad ones may land just after the good one.
  await until('the bad entries to be counted', () => alice.stats.invalidEntries - before >= 5)
  assert.equal(alice.stats.invalidEntries - before, 5)
  assert.ok(!(await texts(alice, room.key)).includes('neg'))
  // Alice still works.
  await alice.send(room.key, 'alive')
  await waitForTexts(mallory, room.key, ['alive'])
})

test('malformed channel frames are dropped alone; the connection stays', async () => {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const room = await alice.createRoom('Frames')
  await bob.joinRoom(room.key)
  await connected(alice, bob, room.key)
  // Reach into Bob's channel and send garbage on each of its message types.
  const bobRoom = (bob as any).rooms_.get(room.key)
  const ch = [...bobRoom.channels.values()].find((x: any) => x.opened)
  const before = alice.stats.droppedFrames
  for (const m of ch.messages) {
    m.send(Buffer.from('{"writers": 5}'))
    m.send(Buffer.from('\u0000garbage'))
  }
  ch.messages[0].send(Buffer.alloc(70 * 1024, 0x41))
  await until('frames to be counted', () => alice.stats.droppedFrames - before >= 7)
  await alice.send(room.key, 'still connected')
  await waitForTexts(bob, room.key, ['still connected'])
  assert.equal(alice.peers(room.key).length, 1)
})

import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import type { LinkupNode } from '../../src/core/node'
import type { FileProgress } from '../../src/shared/types'
import { Cluster, connected, useCluster } from '../helpers/nodes'
import { tempDir, until } from '../helpers/net'
import { MiB, entryOn, progressOf, randomFile, sha256 } from './helpers'

const SIZE = 32 * MiB

let cluster: Cluster
useCluster((c) => (cluster = c))

/** Cuts every connection of `node` at once: no more bytes arrive after this call. */
function cutOff(node: LinkupNode): void {
  for (const conn of node.swarm.connections) conn.destroy()
}

/** Calls `fn` once, at the first progress event of `id` with some but not all bytes. */
function midway(node: LinkupNode, id: string, fn: (p: FileProgress) => void): void {
  const onProgress = (p: FileProgress) => {
    if (p.id !== id || p.done === 0 || p.done >= p.total) return
    node.off('file:progress', onProgress)
    fn(p)
  }
  node.on('file:progress', onProgress)
}

test('the sender goes offline mid-transfer; a member who has the blocks finishes it', async () => {
  const aliceDir = await tempDir()
  const carolDir = await tempDir()
  const alice = await cluster.node('Alice', aliceDir)
  let carol = await cluster.node('Carol', carolDir)
  const room = await alice.createRoom('Relay')
  await carol.joinRoom(room.key)
  await connected(alice, carol, room.key)
  const src = await randomFile(path.join(await tempDir(), 'relay.bin'), SIZE)
  const sent = await alice.sendFile(room.key, src)
  await entryOn(carol, room.key, sent.id)
  await carol.download(room.key, sent.id)

  // Carol steps away (her copy stays on disk); Bob arrives and starts from Alice alone.
  await carol.close()
  const bob = await cluster.node('Bob')
  await bob.joinRoom(room.key)
  await connected(alice, bob, room.key)
  await entryOn(bob, room.key, sent.id)
  let doneWhenAliceLeft = -1
  midway(bob, sent.id, (p) => {
    doneWhenAliceLeft = p.done
    cutOff(alice)
  })
  const download = bob.download(room.key, sent.id)
  await until('Alice to be cut off mid-transfer', () => doneWhenAliceLeft >= 0)
  await alice.close()
  assert.ok(doneWhenAliceLeft > 0 && doneWhenAliceLeft < SIZE, 'Alice left mid-transfer')

  // Carol comes back; she never was the sender, but she serves what she holds.
  carol = await cluster.node('Carol', carolDir)
  await connected(bob, carol, room.key)
  const result = await download
  assert.ok(result.fetched < SIZE + MiB)
  const out = path.join(await tempDir(), 'out.bin')
  await bob.saveFile(room.key, sent.id, out)
  assert.equal(await sha256(out), await sha256(src))
  assert.equal(bob.peers(room.key).length, 1, 'only Carol was there to finish it')
})

test('a download cut off by a disconnect resumes where it stopped', async () => {
  const alice = await cluster.node('Alice')
  const bobDir = await tempDir()
  let bob = await cluster.node('Bob', bobDir)
  const room = await alice.createRoom('Resume')
  await bob.joinRoom(room.key)
  await connected(alice, bob, room.key)
  const src = await randomFile(path.join(await tempDir(), 'resume.bin'), SIZE)
  const sent = await alice.sendFile(room.key, src)
  await entryOn(bob, room.key, sent.id)

  // Bob loses the connection, then quits while the download waits for a peer.
  let cut = false
  midway(bob, sent.id, () => {
    cutOff(bob)
    cut = true
  })
  const first = bob.download(room.key, sent.id)
  first.catch(() => {})
  await until('the first download to be cut off', () => cut)
  await bob.close()
  await assert.rejects(first, /closing/u, 'the interrupted download fails clearly')

  bob = await cluster.node('Bob', bobDir)
  await connected(alice, bob, room.key)
  await entryOn(bob, room.key, sent.id)
  const progress = progressOf(bob, sent.id)
  const second = await bob.download(room.key, sent.id)
  const heldAtStart = progress[0].done
  assert.ok(heldAtStart >= MiB, `blocks from the first attempt were kept (${heldAtStart} bytes)`)
  assert.ok(heldAtStart < SIZE, 'the first attempt did not finish')
  // Only the missing part crossed the wire again (give or take a block in flight).
  assert.ok(second.fetched > 0, 'the rest was fetched')
  assert.ok(
    second.fetched <= SIZE - heldAtStart + MiB,
    `fetched ${second.fetched} of the ${SIZE - heldAtStart} bytes that were missing`,
  )
  const out = path.join(await tempDir(), 'out.bin')
  await bob.saveFile(room.key, sent.id, out)
  assert.equal(await sha256(out), await sha256(src))
})

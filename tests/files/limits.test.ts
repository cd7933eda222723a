import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import crypto from 'hypercore-crypto'
import { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { Cluster, connected, useCluster } from '../helpers/nodes'
import { tempDir, until } from '../helpers/net'
import { MiB, appendRaw, entryOn, pngHeader, randomFile } from './helpers'

let cluster: Cluster
useCluster((c) => (cluster = c))

async function pair(name: string) {
  const alice = await cluster.node('Alice')
  const mallory = await cluster.node('Mallory')
  const room = await alice.createRoom(name)
  await mallory.joinRoom(room.key)
  await connected(alice, mallory, room.key)
  return { alice, mallory, room: room.key }
}

/** Counts blocks a node's own drive serves, on its file index and on its blob core. */
function uploads(node: any, room: string): () => number {
  let n = 0
  node.drives(room).own.core.on('upload', () => n++)
  node.drives(room).own.blobs.core.on('upload', () => n++)
  return () => n
}

test('an entry claiming 10 GiB is refused before any byte is fetched', async () => {
  const { alice, mallory, room } = await pair('Huge')
  const real = await mallory.sendFile(room, await randomFile(path.join(await tempDir(), 'f'), MiB))
  const served = uploads(mallory, room)
  const id = await appendRaw(mallory, room, [
    { t: 'file', h: Date.now() * 1024, file: { ...real.file!, size: 10 * 1024 ** 3 } },
  ])
  const entry = await entryOn(alice, room, id)
  assert.equal(entry.file!.size, 10 * 1024 ** 3)
  const events: unknown[] = []
  alice.on('file:progress', (p) => p.id === id && events.push(p))
  await assert.rejects(
    alice.download(room, id),
    /This file is 10 GiB; downloads can be at most 2 GiB\. Nothing was downloaded\./u,
  )
  await assert.rejects(alice.saveFile(room, id, path.join(await tempDir(), 'x')), /10 GiB/u)
  await new Promise((r) => setTimeout(r, 300)) // anything started would show by now
  assert.equal(served(), 0, 'Mallory’s drive served nothing')
  const driveCore = crypto.discoveryKey(Buffer.from(real.file!.drive, 'hex')).toString('hex')
  assert.equal(alice.store.cores.get(driveCore), null, 'Alice never even opened the drive')
  assert.equal(events.length, 0)
  assert.equal(entry.fileState, 'remote')
})

test('the maximum file size is configurable, for sending and for downloading', async () => {
  // Cluster.node takes no options, so this node is made by hand on the same testnet.
  const node = new LinkupNode({
    storage: await tempDir(),
    bootstrap: cluster.net.bootstrap,
    host: '127.0.0.1',
    defaultName: 'Small',
    maxFileBytes: MiB,
  })
  await node.ready()
  cluster.nodes.push(node)
  const alice = await cluster.node('Alice')
  const room = await alice.createRoom('Limits')
  await node.joinRoom(room.key)
  await connected(alice, node, room.key)
  const dir = await tempDir()
  const big = await randomFile(path.join(dir, 'big'), 2 * MiB)
  const before = node.drives(room.key).own.blobs.core.length
  await assert.rejects(
    node.sendFile(room.key, big),
    /A file can be at most 1 MiB; this one is 2 MiB\./u,
  )
  assert.equal(node.drives(room.key).own.blobs.core.length, before, 'nothing was written')
  const sent = await alice.sendFile(room.key, big)
  await entryOn(node, room.key, sent.id)
  await assert.rejects(node.download(room.key, sent.id), /downloads can be at most 1 MiB/u)
  await assert.rejects(alice.sendFile(room.key, dir), /is not a file/u)
  await assert.rejects(alice.sendFile(room.key, path.join(dir, 'missing')), /ENOENT/u)
})

test('bytes that do not match the hash mark the entry broken, never shown as the file', async () => {
  const { alice, mallory, room } = await pair('Tampered')
  const src = await randomFile(path.join(await tempDir(), 'real.bin'), 3 * MiB)
  const real = await mallory.sendFile(room, src)
  const h = Date.now() * 1024
  const wrongHash = await appendRaw(mallory, room, [
    { t: 'file', h, file: { ...real.file!, hash: 'ab'.repeat(32), name: 'invoice.pdf' } },
  ])
  const wrongSize = await appendRaw(mallory, room, [
    { t: 'file', h: h + 1, file: { ...real.file!, size: real.file!.size - 1 } },
  ])
  await entryOn(alice, room, wrongHash)
  await entryOn(alice, room, wrongSize)
  const updates: TimelineEntry[] = []
  alice.on('entry:updated', (e) => updates.push({ ...e }))

  await assert.rejects(alice.download(room, wrongHash), /broken: its bytes do not match its hash/u)
  const broken = (await alice.history(room)).find((e) => e.id === wrongHash)!
  assert.equal(broken.fileState, 'broken')
  assert.ok(updates.some((e) => e.id === wrongHash && e.fileState === 'broken'))
  const target = path.join(await tempDir(), 'invoice.pdf')
  await assert.rejects(alice.saveFile(room, wrongHash, target), /broken/u)
  await assert.rejects(fs.access(target), 'no file was written')
  await assert.rejects(alice.readFile(room, wrongHash), /broken/u)

  // Saved straight away, without a download first: nothing lands at the target either.
  const wrongAgain = await appendRaw(mallory, room, [
    { t: 'file', h: h + 2, file: { ...real.file!, hash: 'cd'.repeat(32) } },
  ])
  await entryOn(alice, room, wrongAgain)
  const folder = path.dirname(target)
  await assert.rejects(alice.saveFile(room, wrongAgain, target), /broken/u)
  assert.deepEqual(await fs.readdir(folder), [], 'no file and no temp file left')

  // A size that differs from the drive's is caught before the transfer.
  await assert.rejects(alice.download(room, wrongSize), /broken: its size differs/u)
  // The honest entry for the same bytes is fine.
  const ok = await alice.download(room, real.id)
  assert.equal(ok.entry.fileState, 'ready')
  assert.equal(ok.fetched, 0, 'its blocks were already here from the broken attempt')
})

test('voice-note and avatar limits are checked before anything is stored', async () => {
  const alice = await cluster.node('Alice')
  const room = await alice.createRoom('Caps')
  const dir = await tempDir()
  const audio = await randomFile(path.join(dir, 'note.ogg'), 4096)
  await assert.rejects(alice.sendVoiceNote(room.key, audio, 11 * 60 * 1000), /at most 10 minutes/u)
  await assert.rejects(alice.sendVoiceNote(room.key, audio, 0), /needs a duration/u)
  const big = await randomFile(path.join(dir, 'long.ogg'), 21 * MiB)
  await assert.rejects(
    alice.sendVoiceNote(room.key, big, 5000),
    /voice note can be at most 20 MiB/u,
  )

  const notImage = await randomFile(path.join(dir, 'avatar.png'), 2048)
  await assert.rejects(alice.setAvatar(notImage), /PNG, JPEG, WebP or GIF/u)
  const huge = path.join(dir, 'huge.png')
  await fs.writeFile(huge, Buffer.concat([pngHeader(4000, 3000), Buffer.alloc(100)]))
  await assert.rejects(alice.setAvatar(huge), /at most 1024×1024 pixels; this one is 4000×3000/u)
  const heavy = path.join(dir, 'heavy.png')
  await fs.writeFile(heavy, Buffer.concat([pngHeader(10, 10), Buffer.alloc(2 * MiB)]))
  await assert.rejects(alice.setAvatar(heavy), /avatar can be at most 1 MiB/u)
  assert.equal(alice.profile.avatar, null)

  const note = await alice.sendVoiceNote(room.key, audio, 2500.4, 'audio/ogg')
  assert.equal(note.kind, 'audio')
  assert.equal(note.duration, 2500)
  assert.equal(note.file!.type, 'audio/ogg')
})

test('deleting an own file marks the entry deleted and frees its bytes', async () => {
  const { alice, mallory: bob, room } = await pair('Delete')
  const sent = await alice.sendFile(room, await randomFile(path.join(await tempDir(), 'f'), MiB))
  await entryOn(bob, room, sent.id)
  const drive = alice.drives(room).own
  const blob = (await drive.entry(sent.file!.path)).value.blob
  assert.equal(await drive.blobs.core.has(blob.blockOffset), true)

  await assert.rejects(bob.delete(room, sent.id), /only edit or delete your own/u)
  await alice.delete(room, sent.id)
  assert.equal(await drive.entry(sent.file!.path), null, 'gone from the drive')
  assert.equal(await drive.blobs.core.has(blob.blockOffset), false, 'its blocks are cleared')
  await until('Bob to see the delete', async () => {
    const e = (await bob.history(room)).find((x) => x.id === sent.id)
    return e?.deleted
  })
  await assert.rejects(bob.download(room, sent.id), /deleted/u)
  await assert.rejects(alice.readFile(room, sent.id), /deleted/u)
})

test('an entry naming a core that is not a drive fails cleanly', async () => {
  const { alice, mallory, room } = await pair('Not a drive')
  const real = await mallory.sendFile(room, await randomFile(path.join(await tempDir(), 'f'), 1000))
  const h = Date.now() * 1024
  // Alice's own writer core (which she can write to), and Mallory's writer core.
  const atAlice = await appendRaw(mallory, room, [
    { t: 'file', h, file: { ...real.file!, drive: alice.memberKey(room) } },
  ])
  const atMallory = await appendRaw(mallory, room, [
    { t: 'file', h: h + 1, file: { ...real.file!, drive: mallory.memberKey(room) } },
  ])
  await entryOn(alice, room, atAlice)
  await entryOn(alice, room, atMallory)
  const length = alice.store.get({ key: Buffer.from(alice.memberKey(room), 'hex') })
  await length.ready()
  const before = length.length
  await assert.rejects(alice.download(room, atAlice), /broken: it does not point at a drive/u)
  await assert.rejects(alice.download(room, atMallory), /broken: it does not point at a drive/u)
  assert.equal(length.length, before, 'nothing was written to Alice’s writer core')
  await length.close()
  // Alice still works.
  assert.equal((await alice.download(room, real.id)).entry.fileState, 'ready')
})

test('a drive serving more bytes than the entry says is cut off and marked broken', async () => {
  const { alice, mallory, room } = await pair('Oversized')
  const real = await mallory.sendFile(
    room,
    await randomFile(path.join(await tempDir(), 'f'), 8 * MiB),
  )
  // Mallory's drive says 1000 bytes live at /files/small, over 8 blocks of 1 MiB.
  const drive = mallory.drives(room).own
  const blob = (await drive.entry(real.file!.path)).value.blob
  await drive.putEntry('/files/small', { blob: { ...blob, byteLength: 1000 } })
  const id = await appendRaw(mallory, room, [
    {
      t: 'file',
      h: Date.now() * 1024,
      file: { ...real.file!, path: '/files/small', size: 1000 },
    },
  ])
  await entryOn(alice, room, id)
  const result = await alice.download(room, id).catch((err: Error) => err)
  assert.match(String(result), /broken: it holds more bytes than its entry says/u)
  const held = await alice.drives(room).open(real.file!.drive)
  const blobs = await held.getBlobs()
  let have = 0
  for (let i = blob.blockOffset; i < blob.blockOffset + blob.blockLength; i++)
    if (await blobs.core.has(i)) have++
  assert.ok(have < blob.blockLength, `cut off early: ${have} of ${blob.blockLength} blocks`)
})

import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import type { LinkupNode } from '../../src/core/node'
import { Cluster, connected, useCluster } from '../helpers/nodes'
import { tempDir } from '../helpers/net'
import { MiB, entryOn, progressOf, randomFile, sha256, streamBytes } from './helpers'

/** Memtable bytes a node may hold after a 100 MiB file (unflushed, it would be over 36). */
const FLAT_MEMTABLE_MiB = 24

/** What RocksDB holds in memtables for a node's store, MiB. */
async function memtableMiB(node: LinkupNode): Promise<number> {
  const db = (node.store as any).storage.db
  return Number(await db.getProperty('rocksdb.size-all-mem-tables')) / MiB
}

let cluster: Cluster
useCluster((c) => (cluster = c))

test('a 100 MiB file arrives byte-identical, with progress', async () => {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const room = await alice.createRoom('Big file')
  await bob.joinRoom(room.key)
  await connected(alice, bob, room.key)
  const dir = await tempDir('linkup-files-')
  const src = await randomFile(path.join(dir, 'big.bin'), 100 * MiB)

  const sent = await alice.sendFile(room.key, src)
  assert.equal(sent.kind, 'file')
  assert.equal(sent.fileState, 'ready')
  assert.equal(sent.file!.size, 100 * MiB)
  assert.equal(sent.file!.name, 'big.bin')
  assert.equal(sent.file!.drive, alice.drives(room.key).key)
  // Memory stays flat with the file's size: the blocks do not wait in RocksDB's memtables
  // (64 MiB each, two kept) but are flushed to their blob files as they are written.
  assert.ok(
    (await memtableMiB(alice)) < FLAT_MEMTABLE_MiB,
    `sender holds ${await memtableMiB(alice)} MiB in memtables`,
  )

  const onBob = await entryOn(bob, room.key, sent.id)
  assert.equal(onBob.fileState, 'remote', 'files download only on demand')
  assert.deepEqual(onBob.file, sent.file)
  const progress = progressOf(bob, sent.id)
  const states: string[] = []
  bob.on('entry:updated', (e) => e.id === sent.id && states.push(e.fileState!))

  const result = await bob.download(room.key, sent.id)
  assert.equal(result.entry.fileState, 'ready')
  assert.ok(
    (await memtableMiB(bob)) < FLAT_MEMTABLE_MiB,
    `receiver holds ${await memtableMiB(bob)} MiB in memtables`,
  )
  assert.equal(result.fetched, 100 * MiB, 'every byte came over the wire once')
  assert.deepEqual(states, ['downloading', 'ready'])
  assert.ok(progress.length >= 2, 'progress was reported')
  assert.ok(progress.every((p) => p.room === room.key && p.total === 100 * MiB))
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i].done >= progress[i - 1].done)
  assert.equal(progress.at(-1)!.done, 100 * MiB)
  assert.ok(
    progress.some((p) => p.rate > 0),
    'a transfer rate was reported',
  )

  const out = path.join(dir, 'chosen name.bin')
  assert.equal(await bob.saveFile(room.key, sent.id, out), out, 'saved to exactly that path')
  assert.equal(await sha256(out), await sha256(src))
  assert.deepEqual(
    (await fs.readdir(dir)).sort(),
    ['big.bin', 'chosen name.bin'],
    'no temp file left behind',
  )
  // A second download is instant: nothing is fetched again.
  assert.equal((await bob.download(room.key, sent.id)).fetched, 0)
})

test('files with hostile names are saved inside the chosen folder only', async () => {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const room = await alice.createRoom('Names')
  await bob.joinRoom(room.key)
  await connected(alice, bob, room.key)
  const dir = await tempDir('linkup-files-')
  const src = await randomFile(path.join(dir, 'payload'), 3000)
  const folder = path.join(dir, 'Downloads')
  await fs.mkdir(folder)
  const names = ['../../.bashrc', '..\\x', 'a\u0000b', 'x'.repeat(300), '/etc/passwd']
  for (const name of names) {
    const sent = await alice.sendFile(room.key, src, { name })
    await entryOn(bob, room.key, sent.id)
    const saved = await bob.saveFileIn(room.key, sent.id, folder)
    assert.equal(path.dirname(saved), folder, `${JSON.stringify(name.slice(0, 20))} stays inside`)
    assert.equal(await sha256(saved), await sha256(src))
  }
  assert.equal((await fs.readdir(folder)).length, names.length, 'one new file per name')
  assert.deepEqual((await fs.readdir(dir)).sort(), ['Downloads', 'payload'])
  // Saving the same file twice never replaces the first copy.
  const again = await alice.sendFile(room.key, src, { name: 'same.txt' })
  await entryOn(bob, room.key, again.id)
  const first = await bob.saveFileIn(room.key, again.id, folder)
  const second = await bob.saveFileIn(room.key, again.id, folder)
  assert.deepEqual([path.basename(first), path.basename(second)], ['same.txt', 'same (2).txt'])
  // The bytes can be read as a stream too (for showing or playing them).
  const bytes = await streamBytes(await bob.readFile(room.key, again.id))
  assert.deepEqual(bytes, await fs.readFile(src))
  // An empty file is a file too.
  const empty = path.join(dir, 'empty.txt')
  await fs.writeFile(empty, '')
  const none = await alice.sendFile(room.key, empty)
  await entryOn(bob, room.key, none.id)
  assert.equal((await bob.download(room.key, none.id)).entry.fileState, 'ready')
  assert.equal((await fs.stat(await bob.saveFileIn(room.key, none.id, folder))).size, 0)
})

test('a verified file stays ready across a restart, even with nobody online', async () => {
  const alice = await cluster.node('Alice')
  const bobDir = await tempDir()
  let bob = await cluster.node('Bob', bobDir)
  const room = await alice.createRoom('Restart')
  await bob.joinRoom(room.key)
  await connected(alice, bob, room.key)
  const src = await randomFile(path.join(bobDir, '..', path.basename(bobDir) + '.bin'), 2 * MiB)
  const sent = await alice.sendFile(room.key, src)
  await entryOn(bob, room.key, sent.id)
  await bob.download(room.key, sent.id)
  await bob.close()
  await alice.close()

  bob = await cluster.node('Bob', bobDir)
  const entry = await entryOn(bob, room.key, sent.id)
  assert.equal(entry.fileState, 'ready', 'known as verified without asking anyone')
  assert.deepEqual(await streamBytes(await bob.readFile(room.key, sent.id)), await fs.readFile(src))
})

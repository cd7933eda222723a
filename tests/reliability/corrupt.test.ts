import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { StorageError } from '../../src/core/disk'
import { LinkupNode } from '../../src/core/node'
import { removeTempDirs, tempDir, testnet, type Testnet } from '../helpers/net'
import { texts } from '../helpers/nodes'

// Damage to the corestore folder: a garbled or truncated file. The store either refuses
// to open with an error naming the folder (and is left as it was), or opens without
// what it could not read, and then the rooms that lost history are named while every
// other room opens whole.

let net: Testnet
before(async () => {
  net = await testnet()
})
after(async () => {
  await net.destroy()
  await removeTempDirs()
})

const open = (storage: string) =>
  new LinkupNode({ storage, bootstrap: net.bootstrap, host: '127.0.0.1' })
const db = (storage: string) => path.join(storage, 'cores', 'db')
const wal = (storage: string) =>
  path.join(
    db(storage),
    fs.readdirSync(db(storage)).find((f) => f.endsWith('.log'))!,
  )

/** Two rooms: "intact" written first, "hurt" after; returns the log size in between. */
async function twoRooms() {
  const storage = await tempDir('linkup-corrupt-')
  const node = open(storage)
  await node.ready()
  const intact = (await node.createRoom('intact')).key
  const hurt = (await node.createRoom('hurt')).key
  for (let i = 0; i < 20; i++) await node.send(intact, `intact ${i}`)
  const cut = fs.statSync(wal(storage)).size
  for (let i = 0; i < 20; i++) await node.send(hurt, `hurt ${i}`)
  await node.close()
  return { storage, intact, hurt, cut }
}

for (const [what, damage] of [
  ['truncated', (file: string, cut: number) => fs.truncateSync(file, cut + 7)],
  [
    'garbled',
    (file: string, cut: number) => {
      const bytes = fs.readFileSync(file)
      for (let i = cut + 40; i < cut + 80; i++) bytes[i] ^= 0x5a
      fs.writeFileSync(file, bytes)
    },
  ],
] as const) {
  test(`a ${what} log names the room that lost history; the other room opens whole`, async () => {
    const { storage, intact, hurt, cut } = await twoRooms()
    damage(wal(storage), cut)
    const node = open(storage)
    await node.ready()
    try {
      assert.deepEqual(
        node.damaged.map((d) => d.name),
        ['hurt'],
      )
      assert.match(node.damaged[0].message, /history of room “hurt” in .*cores is damaged/u)
      assert.ok(node.damaged[0].message.includes(storage), 'names the folder')
      assert.deepEqual(
        await texts(node, intact),
        Array.from({ length: 20 }, (_, i) => `intact ${i}`),
      )
      assert.equal(node.rooms().length, 2, 'both rooms still open')
      await node.send(intact, 'still works')
      await node.send(hurt, 'hurt room takes new messages')
    } finally {
      await node.close()
    }
    // The warning stays on the next start until the folder is repaired.
    const again = open(storage)
    await again.ready()
    assert.deepEqual(
      again.damaged.map((d) => d.name),
      ['hurt'],
    )
    await again.close()
  })
}

for (const [file, damage] of [
  ['MANIFEST', (p: string) => fs.writeFileSync(p, Buffer.alloc(fs.statSync(p).size, 0x41))],
  ['CURRENT', (p: string) => fs.truncateSync(p, 3)],
] as const) {
  test(`a damaged ${file} file: a clear error naming the folder, and the files left as they are`, async () => {
    const { storage } = await twoRooms()
    const target = path.join(
      db(storage),
      fs.readdirSync(db(storage)).find((f) => f.startsWith(file))!,
    )
    damage(target)
    const snapshot = new Map(
      fs.readdirSync(db(storage)).map((f) => [f, fs.readFileSync(path.join(db(storage), f))]),
    )
    const node = open(storage)
    const err = await node.ready().catch((e) => e)
    await node.close()
    assert.ok(err instanceof StorageError, String(err))
    assert.equal(err.problem, 'damaged')
    assert.match(
      err.message,
      new RegExp(`history store ${storage}/cores is damaged.*left it as it is`, 'u'),
    )
    for (const [f, bytes] of snapshot) {
      if (f === 'LOG' || f.startsWith('LOG.old')) continue // RocksDB's own diagnostics
      assert.ok(fs.readFileSync(path.join(db(storage), f)).equals(bytes), `${f} was changed`)
    }
  })
}

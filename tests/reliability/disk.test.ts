import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { startBot } from '../../bot/bot'
import { createClient } from '../../bot/client'
import { createLogger } from '../../bot/log'
import { MIN_FREE_BYTES, StorageError } from '../../src/core/disk'
import { LinkupNode } from '../../src/core/node'
import { canMount, SmallDisk } from '../helpers/disk'
import { removeTempDirs, tempDir, testnet, until, type Testnet } from '../helpers/net'
import { connected, texts, waitForTexts } from '../helpers/nodes'

// A data folder on a small disk of its own (tmpfs): filled up, then emptied; made
// read-only, then writable. Sending fails with a clear error, nothing stored is lost,
// and the node works again once space returns, without a restart.

const DISK_MIB = 160
let net: Testnet
const disks: SmallDisk[] = []
const open: Array<{ close(): Promise<void> }> = []
const skip = canMount ? false : 'needs root to mount a tmpfs'

before(async () => {
  net = await testnet()
})
after(async () => {
  await Promise.all(open.map((n) => n.close().catch(() => {})))
  await net.destroy()
  for (const d of disks) d.unmount()
  await removeTempDirs()
})

async function node(storage: string, name: string): Promise<LinkupNode> {
  const n = new LinkupNode({
    storage,
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
    defaultName: name,
  })
  await n.ready()
  open.push(n)
  return n
}

test(
  'a full disk refuses sends clearly, keeps what is stored, and recovers when space returns',
  { skip },
  async () => {
    const disk = SmallDisk.mount(DISK_MIB)
    disks.push(disk)
    const storage = path.join(disk.dir, 'data')
    const full = await node(storage, 'Full')
    const friend = await node(await tempDir(), 'Friend')
    const room = (await full.createRoom('tight')).key
    await friend.joinRoom(room)
    await connected(full, friend, room)
    const kept = ['kept 0', 'kept 1', 'kept 2']
    for (const t of kept) await full.send(room, t)

    disk.fill(MIN_FREE_BYTES / 4)
    const refused = await full.send(room, 'refused').catch((err) => err)
    assert.ok(refused instanceof StorageError, String(refused))
    assert.equal(refused.problem, 'full')
    assert.match(
      refused.message,
      /Not enough disk space.*Free some space.*nothing already stored is lost/su,
    )
    assert.ok(refused.message.includes(disk.dir), 'the error names the folder')
    assert.deepEqual(await texts(full, room), kept)

    // Messages from others still arrive while we cannot send: they do not need our reserve.
    await friend.send(room, 'from friend while full')
    await waitForTexts(full, room, ['from friend while full'])

    disk.empty()
    await full.send(room, 'after space returned')
    await waitForTexts(friend, room, [...kept, 'after space returned'])

    await full.close()
    const again = await node(storage, 'Full')
    assert.deepEqual(await texts(again, room), [
      ...kept,
      'from friend while full',
      'after space returned',
    ])
  },
)

test(
  'the bot reports a full disk clearly and answers again once space returns',
  { skip },
  async () => {
    const disk = SmallDisk.mount(DISK_MIB)
    disks.push(disk)
    const person = await node(await tempDir(), 'Person')
    const room = (await person.createRoom('bots')).key
    const lines: string[] = []
    const client = await createClient({
      storage: path.join(disk.dir, 'bot'),
      name: 'Bot',
      bootstrap: net.bootstrap,
      host: '127.0.0.1',
    })
    open.push(client)
    await client.join(room)
    const bot = startBot(client, { log: createLogger('error', (l) => lines.push(l)), seed: false })
    await until('the bot to connect', () => person.peers(room).length > 0, 30_000)

    disk.fill(MIN_FREE_BYTES / 4)
    await person.send(room, '!help')
    const logged = await until(
      'the bot to log the failure',
      () => lines.find((l) => /disk space/u.test(l)),
      30_000,
    )
    assert.match(logged, /error .*Not enough disk space.*Free some space/u)

    disk.empty()
    const before = (await texts(person, room)).length
    await person.send(room, '!help')
    await until(
      'the bot to answer',
      async () => (await texts(person, room)).length > before + 1,
      30_000,
    )
    bot.stop()
  },
)

test('a read-only data folder gives a clear error and loses nothing', { skip }, async () => {
  const disk = SmallDisk.mount(DISK_MIB)
  disks.push(disk)
  const storage = path.join(disk.dir, 'data')
  const first = await node(storage, 'Reader')
  const room = (await first.createRoom('frozen')).key
  await first.send(room, 'written before')
  await first.close()

  disk.readOnly(true)
  const ro = new LinkupNode({ storage, bootstrap: net.bootstrap, host: '127.0.0.1' })
  const err = await ro.ready().catch((e) => e)
  await ro.close()
  assert.ok(err instanceof StorageError, String(err))
  assert.equal(err.problem, 'read-only')
  assert.match(
    err.message,
    new RegExp(
      `data folder ${storage} is on a read-only disk.*Nothing already stored is lost`,
      'u',
    ),
  )

  disk.readOnly(false)
  const again = await node(storage, 'Reader')
  assert.deepEqual(await texts(again, room), ['written before'])
  await again.send(room, 'written after')
})

import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { startBot } from '../../bot/bot'
import { createClient } from '../../bot/client'
import { createLogger } from '../../bot/log'
import { LinkupNode } from '../../src/core/node'
import { streamBytes } from '../files/helpers'
import { removeTempDirs, tempDir, testnet, until, type Testnet } from '../helpers/net'

// The seeding bot keeps every file of every writer, however old: a member who arrives
// after the author left gets the file from the bot alone. The same scenario with
// seeding off must fail, or the test would prove nothing.

let net: Testnet
const open: Array<{ close(): Promise<void> }> = []

before(async () => {
  net = await testnet()
})
after(async () => {
  await Promise.all(open.splice(0).map((n) => n.close().catch(() => {})))
  await net.destroy()
  await removeTempDirs()
})

/** Entries written after the file: more than one page of history (200). */
const LATER_ENTRIES = 250

async function person(name: string, fileStallMs?: number): Promise<LinkupNode> {
  const node = new LinkupNode({
    storage: await tempDir(),
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
    defaultName: name,
    fileStallMs,
  })
  await node.ready()
  await node.setName(name)
  open.push(node)
  return node
}

/** Whether a late member got Alice's old file after she left, with only the bot online. */
async function lateMemberGetsFile(seed: boolean): Promise<boolean> {
  const alice = await person('Alice')
  const room = (await alice.createRoom(`seed ${seed}`)).key
  const bytes = crypto.randomBytes(300 * 1024)
  const src = path.join(await tempDir(), 'old.bin')
  await fs.writeFile(src, bytes)
  const file = await alice.sendFile(room, src)
  await Promise.all(Array.from({ length: LATER_ENTRIES }, (_, n) => alice.send(room, `later ${n}`)))

  // The bot arrives after all of it: the file is far below its newest page of history.
  const lines: string[] = []
  const client = await createClient({
    storage: await tempDir(),
    name: 'Seeder',
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
  })
  open.push(client)
  await client.join(room)
  startBot(client, {
    log: createLogger('info', (line) => lines.push(line)),
    seed,
    seeder: { retryBaseMs: 200 },
  })
  const aliceKey = alice.memberKey(room)
  const aliceCore = alice.room(room).timeline.writers.get(aliceKey)!.core
  await until('the bot holds all of Alice’s history', () => {
    const core = client.node.room(room).timeline.writers.get(aliceKey)?.core
    return core && core.length === aliceCore.length && core.contiguousLength === core.length
  })
  if (seed)
    await until('the bot keeps the file', () =>
      lines.some((l) => l.includes(`keeping file ${file.id}`)),
    )
  await alice.close()

  const carl = await person('Carl', 3000)
  await carl.joinRoom(room)
  await until('Carl has the file entry', () => carl.entry(room, file.id))
  assert.deepEqual(
    carl.peers(room).map((p) => p.key),
    [client.memberKey(room)],
    'only the bot is there',
  )
  try {
    await carl.download(room, file.id)
    const got = await streamBytes(await carl.readFile(room, file.id))
    return got.equals(bytes)
  } catch {
    return false
  }
}

test('a file whose author is offline is fetched from the seeding bot alone, however old', async () => {
  assert.equal(await lateMemberGetsFile(true), true)
})

test('without seeding the same file cannot be had (the test above depends on the seeder)', async () => {
  assert.equal(await lateMemberGetsFile(false), false)
})

test('the seeder retries a failed download with back-off until the author is back', async () => {
  const aliceDir = await tempDir()
  let alice = new LinkupNode({
    storage: aliceDir,
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
    defaultName: 'Alice',
  })
  await alice.ready()
  open.push(alice)
  const bob = await person('Bob')
  const room = (await alice.createRoom('retry')).key
  await bob.joinRoom(room)
  const src = path.join(await tempDir(), 'later.bin')
  await fs.writeFile(src, crypto.randomBytes(64 * 1024))
  const file = await alice.sendFile(room, src)
  await until('Bob has the file entry', () => bob.entry(room, file.id))
  await alice.close()

  // The bot hears of the file from Bob, who never fetched it: every try fails for now.
  const lines: string[] = []
  const client = await createClient({
    storage: await tempDir(),
    name: 'Seeder',
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
    fileStallMs: 500,
  })
  open.push(client)
  await client.join(room)
  startBot(client, {
    log: createLogger('info', (line) => lines.push(line)),
    seed: true,
    seeder: { retryBaseMs: 100, retryMaxMs: 400 },
  })
  const retries = () => lines.filter((l) => l.includes(`could not fetch file ${file.id}`))
  await until('two failed tries', () => retries().length >= 2)
  const delays = retries().map((l) => /retrying in ([\d.]+) s/.exec(l)?.[1])
  assert.deepEqual(delays.slice(0, 2), ['0.1', '0.2'], 'the wait doubles')

  alice = new LinkupNode({ storage: aliceDir, bootstrap: net.bootstrap, host: '127.0.0.1' })
  await alice.ready()
  open.push(alice)
  await until('the bot keeps the file once Alice is back', () =>
    lines.some((l) => l.includes(`keeping file ${file.id}`)),
  )
})

test('one member cannot make the seeder keep more than its per-writer budget', async () => {
  const alice = await person('Alice')
  const room = (await alice.createRoom('budget')).key
  const dir = await tempDir()
  const ids: string[] = []
  for (const name of ['a.bin', 'b.bin']) {
    await fs.writeFile(path.join(dir, name), crypto.randomBytes(100 * 1024))
    ids.push((await alice.sendFile(room, path.join(dir, name))).id)
  }
  const lines: string[] = []
  const client = await createClient({
    storage: await tempDir(),
    name: 'Seeder',
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
  })
  open.push(client)
  await client.join(room)
  startBot(client, {
    log: createLogger('info', (line) => lines.push(line)),
    seed: true,
    seeder: { maxBytesPerWriter: 150 * 1024 },
  })
  await until('the first file is kept', () =>
    lines.some((l) => l.includes(`keeping file ${ids[0]}`)),
  )
  await until('the rest is skipped', () => lines.some((l) => l.includes('more than the bot keeps')))
  assert.ok(!lines.some((l) => l.includes(`keeping file ${ids[1]}`)))
})

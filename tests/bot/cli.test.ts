import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { removeTempDirs, tempDir, testnet, until, type Testnet } from '../helpers/net'

// The bot as people run it: `bot/cli.ts` in its own process, configured by environment.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

interface Run {
  child: ChildProcess
  out: () => string
  err: () => string
  exited: Promise<number | null>
}

function runBot(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bot/cli.ts', ...args], {
    cwd: ROOT,
    // Only what the bot needs, so a developer's own LINKUP_* variables cannot leak in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (err += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, out: () => out, err: () => err, exited }
}

let net: Testnet
const nodes: LinkupNode[] = []
const children: ChildProcess[] = []

before(async () => {
  net = await testnet()
})

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  await Promise.all(nodes.map((n) => n.close().catch(() => {})))
  await net.destroy()
  await removeTempDirs()
})

test('bad LINKUP_ROOM_ID values: a clear message, exit code 2, no storage opened', async () => {
  const dir = await tempDir()
  const cases: Array<[string | undefined, RegExp]> = [
    [undefined, /LINKUP_ROOM_ID is not set/],
    ['hello', /LINKUP_ROOM_ID "hello" is not a room key. A room key is 64 hex characters/],
    ['ab'.repeat(31), /is not a room key/],
    [`linkup://${'zz'.repeat(32)}`, /is not a room key/],
    [`${'ab'.repeat(32)},nope`, /"nope" is not a room key/],
  ]
  await Promise.all(
    cases.map(async ([value, message], i) => {
      const storage = path.join(dir, `storage-${i}`)
      const env: Record<string, string> = {
        LINKUP_STORAGE: storage,
        LINKUP_BOOTSTRAP: '127.0.0.1:1',
      }
      if (value !== undefined) env.LINKUP_ROOM_ID = value
      const run = runBot(env)
      assert.equal(await run.exited, 2, `exit code for ${value}`)
      assert.match(run.err(), message)
      assert.match(run.err(), /Usage: LINKUP_ROOM_ID=/)
      assert.equal(run.out(), '')
      assert.equal(fs.existsSync(storage), false, 'storage is not created for a bad key')
    }),
  )
})

test('SIGTERM closes cleanly, and a restart in the same storage picks up the room and its history', async () => {
  const storage = path.join(await tempDir(), 'bot')
  const harry = new LinkupNode({
    storage: await tempDir(),
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
    defaultName: 'Harry',
  })
  nodes.push(harry)
  await harry.ready()
  const room = (await harry.createRoom('restart')).key
  const env = {
    LINKUP_ROOM_ID: `linkup://${room}`,
    LINKUP_STORAGE: storage,
    LINKUP_BOOTSTRAP: net.bootstrap.map((b) => `${b.host}:${b.port}`).join(','),
    LINKUP_BOT_NAME: 'Cli Bot',
  }

  const first = runBot(env)
  children.push(first.child)
  await until(
    'the bot is ready',
    () => / info ready in 1 room\(s\), seeding/.test(first.out()),
    20000,
  )
  assert.match(
    first.out(),
    new RegExp(`info joined room ${room.slice(0, 8)}… "Room ${room.slice(0, 6)}" \\(0 entries`),
  )
  const seen: TimelineEntry[] = []
  harry.on('entry:added', (e) => seen.push(e))
  await harry.send(room, '!ping')
  await harry.send(room, 'remember me')
  await harry.send(room, '!echo done')
  await until('the bot answered both', () => seen.filter((e) => !e.own).length === 2)
  // Blocks may arrive newest first: wait until the bot has fetched every one of Harry's.
  await until('the bot holds all of Harry’s messages', async () =>
    (await harry.history(room)).filter((e) => e.own).every((e) => e.delivery?.state === 'reached'),
  )
  const botKey = seen.find((e) => !e.own)!.author

  first.child.kill('SIGTERM')
  assert.equal(await first.exited, 0, first.out() + first.err())
  assert.match(
    first.out(),
    / info SIGTERM: leaving the swarm and closing storage\n.* info stopped\n$/,
  )
  // Every line: ISO time, level, message.
  for (const line of first.out().trimEnd().split('\n'))
    assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z (debug|info|warn|error) \S/)
  await harry.close()

  // Nobody else is online: whatever the restarted bot has, it kept on disk.
  const second = runBot(env)
  children.push(second.child)
  await until(
    'the bot is ready again',
    () => / info ready in 1 room\(s\)/.test(second.out()),
    20000,
  )
  assert.match(
    second.out(),
    new RegExp(
      `info resumed room ${room.slice(0, 8)}… "Room ${room.slice(0, 6)}" \\(5 entries kept locally\\)`,
    ),
  )
  assert.ok(
    second.out().includes(`identity `) &&
      first.out().includes(second.out().match(/identity (\w+)/)![0]),
    'same identity',
  )

  // A newcomer gets Harry's history from the restarted bot, and no command is answered twice.
  const nina = new LinkupNode({
    storage: await tempDir(),
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
    defaultName: 'Nina',
  })
  nodes.push(nina)
  await nina.ready()
  await nina.joinRoom(room)
  const history = await until('Nina has the history', async () => {
    const h = await nina.history(room)
    return h.length === 5 ? h : null
  })
  const texts = history.map((e) =>
    e.author === botKey ? `bot: ${e.text.replace(/\d+(\.\d)? ms/gu, 'N ms')}` : e.text,
  )
  // The pong waits for a ping round trip, so it may come after the echo: compare as sets.
  assert.deepEqual(texts.sort(), [
    '!echo done',
    '!ping',
    'bot: echo: done',
    'bot: pong: round trip to Harry N ms · your message took N ms to arrive',
    'remember me',
  ])
  second.child.kill('SIGINT')
  assert.equal(await second.exited, 0)
  assert.match(second.out(), /info SIGINT: leaving the swarm/)
  assert.equal((await nina.history(room)).length, 5, 'the restart answered nothing again')
})

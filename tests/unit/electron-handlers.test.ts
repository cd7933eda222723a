import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { LinkupNode } from '../../src/core/node'
import { engineHandlers, type Handlers } from '../../src/main/handlers'
import type { CommandName } from '../../src/shared/ipc'
import { commandSchemas, parseArgs } from '../../src/shared/ipc-schemas'
import { removeTempDirs, tempDir, testnet, type Testnet } from '../helpers/net'

// The command table behind Electron's IPC, run against a real engine on a private DHT:
// the same path an IPC call takes after the sender check (parseArgs, then the handler).

let net: Testnet
let node: LinkupNode
let handlers: Handlers
const opened: string[] = []

async function call<C extends CommandName>(command: C, ...args: unknown[]) {
  const parsed = parseArgs(command, args)
  return (handlers[command] as (...a: unknown[]) => Promise<unknown>)(...(parsed as unknown[]))
}

before(async () => {
  net = await testnet()
  node = new LinkupNode({ storage: await tempDir(), bootstrap: net.bootstrap, host: '127.0.0.1' })
  await node.ready()
  handlers = engineHandlers(node, { openExternal: async (url) => void opened.push(url) })
})
after(async () => {
  await node?.close()
  await net?.destroy()
  await removeTempDirs()
})

test('there is a handler for every command of the contract, and nothing else', () => {
  assert.deepEqual(Object.keys(handlers).sort(), Object.keys(commandSchemas).sort())
})

test('commands reach the engine and come back as plain data', async () => {
  const info = (await call('app:info')) as any
  assert.equal(info.named, false)
  assert.deepEqual(info.rooms, [])
  await call('profile:set', { name: 'Alice' })
  const created = (await call('room:create', { name: 'General' })) as any
  assert.match(created.key, /^[0-9a-f]{64}$/)
  const sent = (await call('message:send', { room: created.key, text: 'hi *there*' })) as any
  assert.equal(sent.text, 'hi *there*')
  const history = (await call('history:load', { room: created.key, limit: 10 })) as any[]
  assert.deepEqual(
    history.map((e) => e.text),
    ['hi *there*'],
  )
  const after = (await call('app:info')) as any
  assert.equal(after.named, true)
  assert.equal(after.profile.name, 'Alice')
  assert.deepEqual(
    after.rooms.map((r: any) => r.name),
    ['General'],
  )
  // What crosses IPC must survive structured cloning.
  assert.deepEqual(structuredClone(after), after)
})

test('bad arguments are refused before the engine sees them', async () => {
  await assert.rejects(
    call('message:send', { room: 'not-a-key', text: 'x' }),
    /Invalid arguments for message:send/,
  )
  await assert.rejects(call('room:create', { name: 'x' }, 'extra'), /Invalid arguments/)
  await assert.rejects(
    call('history:load', { room: 'a'.repeat(64), limit: 100000 }),
    /Invalid arguments/,
  )
})

test('link:open opens only parsed http(s) links', async () => {
  assert.equal(await call('link:open', { url: 'https://example.com/x' }), true)
  for (const url of [
    'javascript:alert(1)',
    'file:///etc/passwd',
    'app://linkup/index.html',
    'nonsense',
  ]) {
    assert.equal(await call('link:open', { url }), false, url)
  }
  assert.deepEqual(opened, ['https://example.com/x'])
})

test('replies, reactions, entry:get, typing, search and room:stats through the IPC table', async () => {
  const room = ((await call('room:create', { name: 'Social' })) as any).key
  const first = (await call('message:send', { room, text: 'ship it' })) as any
  const reply = (await call('message:send', { room, text: 'done', replyTo: first.id })) as any
  assert.equal(reply.replyTo, first.id)
  const reacted = (await call('reaction:toggle', { room, id: first.id, emoji: '👍' })) as any
  assert.deepEqual(
    reacted.reactions.map((r: any) => [r.emoji, r.count, r.mine]),
    [['👍', 1, true]],
  )
  assert.equal(((await call('entry:get', { room, id: first.id })) as any).text, 'ship it')
  assert.equal(await call('typing:start', { room }), undefined)
  const hits = (await call('search:run', { room, query: 'ship' })) as any[]
  assert.deepEqual(
    hits.map((h) => h.entry.id),
    [first.id],
  )
  const stats = (await call('room:stats', { room })) as any
  assert.equal(stats.invite, `linkup://${room}`)
  assert.deepEqual(structuredClone(hits), hits)
  await assert.rejects(
    call('reaction:toggle', { room, id: first.id, emoji: 'x'.repeat(100) }),
    /Invalid arguments/,
  )
  await assert.rejects(call('reaction:toggle', { room, id: first.id, emoji: 'no' }), /one emoji/)
  await assert.rejects(
    call('message:send', { room, text: 'x', mentions: Array(21).fill('a'.repeat(64)) }),
    /Invalid arguments/,
  )
})

test('member:moderate and member:resume refuse anything but a room, a writer key and a choice', async () => {
  const room = ((await call('room:create', { name: 'Moderation' })) as any).key
  const key = 'ab'.repeat(32)
  const bad: Array<[CommandName, unknown[]]> = [
    ['member:moderate', []],
    ['member:moderate', [{ room, key, kind: 'mute' }]],
    ['member:moderate', [{ room, key, kind: 'ban', on: true }]],
    ['member:moderate', [{ room, key, kind: 'mute', on: 'yes' }]],
    ['member:moderate', [{ room, key: 'Mallory', kind: 'mute', on: true }]],
    ['member:moderate', [{ room, key: key.toUpperCase(), kind: 'mute', on: true }]],
    ['member:moderate', [{ room: 'x', key, kind: 'block', on: true }]],
    ['member:moderate', [{ room, key, kind: 'mute', on: true }, 'extra']],
    ['member:moderate', [{ room, key, kind: { toString: null }, on: true }]],
    ['member:moderate', [null]],
    ['member:resume', [{ room }]],
    ['member:resume', [{ room, key: 42 }]],
    ['member:resume', [{ room, key: `${key}0` }]],
    ['member:resume', ['__proto__']],
  ]
  for (const [command, args] of bad)
    await assert.rejects(
      call(command, ...args),
      new RegExp(`^IpcArgumentError: Invalid arguments for ${command}`),
      JSON.stringify(args),
    )
  // Well-formed, but nobody here: a clear error from the engine, and nothing changes.
  await assert.rejects(
    call('member:moderate', { room, key, kind: 'mute', on: true }),
    /No other member of this room/,
  )
  const own = node.memberKey(room)
  await assert.rejects(
    call('member:moderate', { room, key: own, kind: 'block', on: true }),
    /No other member of this room/,
  )
  assert.equal(await call('member:resume', { room, key }), false)
  assert.deepEqual(
    ((await call('room:members', { room })) as any[]).map((m) => [m.own, !!m.muted, !!m.blocked]),
    [[true, false, false]],
  )
})

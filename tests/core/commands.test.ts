import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { parseCommand } from '../../src/core/commands'
import { Cluster, connected } from '../helpers/nodes'
import { removeTempDirs } from '../helpers/net'
import type { LinkupNode } from '../../src/core/node'

let cluster: Cluster
let alice: LinkupNode
let bob: LinkupNode
before(async () => {
  cluster = await Cluster.start()
  alice = await cluster.node('Alice')
  bob = await cluster.node('Bob')
})
after(async () => {
  await cluster.close()
  await removeTempDirs()
})

/** Runs a bad command and checks it changed nothing. */
async function refuses(input: string, pattern: RegExp, room?: string) {
  const before = JSON.stringify({ rooms: alice.rooms(), profile: alice.profile })
  const result = await alice.runCommand(input, { room })
  assert.equal(result.ok, false, `${input} should fail`)
  assert.match(result.message, pattern)
  assert.equal(
    JSON.stringify({ rooms: alice.rooms(), profile: alice.profile }),
    before,
    `${input} changed state`,
  )
}

test('~create, ~join, ~rooms, ~peers, ~ping, ~nick, ~help, ~clear, ~leave', async () => {
  const created = await alice.runCommand('~create  Book club ')
  assert.equal(created.ok, true)
  assert.match(created.message, /linkup:\/\/[0-9a-f]{64}/)
  const key = created.room!
  assert.equal(alice.rooms().find((r) => r.key === key)?.name, 'Book club')

  const joined = await bob.runCommand(`~join linkup://${key} Books`)
  assert.deepEqual([joined.ok, joined.room], [true, key])
  assert.equal(bob.rooms()[0].name, 'Books')
  await connected(alice, bob, key)

  assert.match((await alice.runCommand('~rooms')).message, /Book club: 1 online/)
  assert.match((await alice.runCommand('~peers', { room: key })).message, /^Bob \(/)
  assert.match((await alice.runCommand('~ping', { room: key })).message, /^Bob: \d+\.\d ms$/)
  assert.match((await alice.runCommand('~help')).message, /~join <room key> \[name\]/)

  const nick = await alice.runCommand('~nick Alice \u202eevil\u0007 Smith')
  assert.deepEqual(nick, { ok: true, message: 'You are now Alice evil Smith.' })

  await alice.send(key, 'before clear')
  assert.equal((await alice.runCommand('~clear', { room: key })).ok, true)
  assert.deepEqual(await alice.history(key), [])
  await alice.send(key, 'after clear')
  assert.deepEqual(
    (await alice.history(key)).map((e) => e.text),
    ['after clear'],
  )

  assert.equal((await bob.runCommand('~leave', { room: key })).ok, true)
  assert.deepEqual(bob.rooms(), [])
})

test('bad commands return a clear error and change nothing', async () => {
  const room = (await alice.createRoom('Errors')).key
  await refuses('hello', /Commands start with ~/)
  await refuses('~jion abc', /Unknown command ~jion\. Did you mean ~join\?/)
  await refuses('~frobnicate', /Unknown command ~frobnicate\. Type ~help/)
  await refuses('~create', /Usage: ~create <name>/)
  await refuses(`~create ${'x'.repeat(65)}`, /at most 64 characters/)
  await refuses('~join', /Usage: ~join/)
  await refuses('~join 1234', /64 hex characters/)
  await refuses(`~join linkup://${'g'.repeat(64)}`, /64 hex characters/)
  await refuses('~leave', /works inside a room/)
  await refuses('~leave now', /Usage: ~leave/, room)
  await refuses('~clear', /works inside a room/)
  await refuses('~peers', /works inside a room/)
  await refuses('~ping', /works inside a room/)
  await refuses('~nick', /Usage: ~nick/)
  await refuses('~nick \u200f\u0000', /at least one visible character/)
  await refuses(`~nick ${'n'.repeat(33)}`, /at most 32 characters/)
  await refuses('~help me', /Usage: ~help/)
  await refuses('~rooms all', /Usage: ~rooms/)
})

test('the parser keeps the rest of the line as the last argument', () => {
  assert.deepEqual(parseCommand('~create My  big room'), { name: 'create', args: ['My big room'] })
  assert.deepEqual(parseCommand('~JOIN abc my room'), { name: 'join', args: ['abc', 'my room'] })
  assert.deepEqual(parseCommand('  ~help  '), { name: 'help', args: [] })
})

test('names every object has are not commands: ~__proto__, ~constructor, ~toString', () => {
  // The fuzzer found `~__proto__ x` reaching Object.prototype as a command and throwing.
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])
    for (const line of [`~${name}`, `~${name} some args here`]) {
      const parsed = parseCommand(line)
      assert.ok('error' in parsed, line)
      assert.match(parsed.error, /^Unknown command ~/u, line)
    }
})

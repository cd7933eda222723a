import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { LinkupNode } from '../../src/core/node'
import { Cluster, texts, useCluster } from '../helpers/nodes'
import { tempDir, until } from '../helpers/net'

let cluster: Cluster
useCluster((c) => (cluster = c))

test('a restart keeps identity, profile, rooms, marks and history', async () => {
  const dir = await tempDir()
  const first = await cluster.node('Ada', dir)
  await first.setName('Ada Lovelace')
  const room = await first.createRoom('Notes')
  await first.send(room.key, 'remember me')
  await first.clear(room.key)
  await first.send(room.key, 'after clear')
  const identity = first.profile.key
  const member = first.memberKey(room.key)
  await first.close()

  const again = await cluster.node('ignored', dir)
  assert.equal(again.profile.key, identity)
  assert.equal(again.profile.name, 'Ada Lovelace')
  assert.equal(again.named, true)
  assert.deepEqual(
    again.rooms().map((r) => r.name),
    ['Notes'],
  )
  assert.equal(again.memberKey(room.key), member)
  assert.deepEqual(await texts(again, room.key), ['after clear'], '~clear is remembered')
})

test('a second process on the same data folder fails with a clear error', async () => {
  const dir = await tempDir()
  await cluster.node('Owner', dir)
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('${path.resolve('src/core/node.ts')}').then(async ({ LinkupNode }) => { const n = new LinkupNode({ storage: ${JSON.stringify(dir)}, bootstrap: [] }); try { await n.ready(); console.log('opened') } catch (e) { console.log(e.message); process.exit(3) } })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  const code = await new Promise((resolve) => child.on('exit', resolve))
  assert.equal(code, 3)
  assert.match(out, /in use by another LinkUp process/)
  assert.match(out, new RegExp(dir.replace(/[/\\^$.*+?()[\]{}|]/g, '\\$&')))
})

test('a corrupt config.json stops start-up, names the file and is kept as it was', async () => {
  for (const content of [
    '{ "version": 1, "profile": ',
    '{"version": 9, "profile": {"name": "x"}, "rooms": []}',
  ]) {
    const dir = await tempDir()
    const file = path.join(dir, 'config.json')
    await fs.writeFile(file, content)
    const node = new LinkupNode({
      storage: dir,
      bootstrap: cluster.net.bootstrap,
      host: '127.0.0.1',
    })
    await assert.rejects(node.ready(), (err: Error) => {
      assert.ok(err.message.includes(file), err.message)
      assert.match(err.message, /not a valid LinkUp config/)
      return true
    })
    assert.equal(await fs.readFile(file, 'utf8'), content)
    // The lock was released: fixing the file lets it start.
    await fs.rm(file)
    const fixed = new LinkupNode({
      storage: dir,
      bootstrap: cluster.net.bootstrap,
      host: '127.0.0.1',
    })
    await fixed.ready()
    await fixed.close()
  }
})

test('SIGKILL while sending: every message whose send resolved is there after reopening', async () => {
  const dir = await tempDir()
  const script = `
    import { LinkupNode } from ${JSON.stringify(path.resolve('src/core/node.ts'))}
    const node = new LinkupNode({ storage: ${JSON.stringify(dir)}, bootstrap: ${JSON.stringify(cluster.net.bootstrap)}, host: '127.0.0.1' })
    await node.ready()
    const room = await node.createRoom('Crash')
    console.log('room ' + room.key)
    for (let i = 0; ; i++) {
      // Bursts of concurrent sends exercise the batching writer too.
      await Promise.all([0, 1, 2].map(async (j) => { await node.send(room.key, 'm' + i + '-' + j); console.log('ok m' + i + '-' + j) }))
    }
  `
  const file = path.join(dir, '..', path.basename(dir) + '-crash.mts')
  await fs.writeFile(file, script)
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  await until(
    'the child to have sent 300 messages',
    () => out.split('\n').filter((l) => l.startsWith('ok ')).length >= 300,
    30000,
  )
  child.kill('SIGKILL')
  await new Promise((resolve) => child.on('exit', resolve))
  await fs.rm(file)

  const lines = out.split('\n')
  const room = lines.find((l) => l.startsWith('room '))!.slice(5)
  const resolved = lines.filter((l) => l.startsWith('ok ')).map((l) => l.slice(3))
  const node = await cluster.node('After', dir)
  const kept = new Set(await texts(node, room))
  const missing = resolved.filter((t) => !kept.has(t))
  assert.deepEqual(missing, [])
})

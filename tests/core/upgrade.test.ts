import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { Cluster, connected, waitForTexts } from '../helpers/nodes'
import { HostilePeer } from '../helpers/hostile'
import { removeTempDirs, tempDir, until } from '../helpers/net'
import { streamBytes } from '../files/helpers'

// A data folder written by LinkUp 0.1 (one drive for all rooms): tests/fixtures holds one,
// made by that version, with rooms A and B, a message, a file in each and an avatar. It
// must open with its rooms, history and files, each file now readable only in its room.
// (The archive leaves out the corestore's device file, which ties a store to the disk it
// was made on; a store copied elsewhere gets a new one, as a restored backup must.)

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')
const PLAN = 'the plan for room A\n'.repeat(50)
const SECRET = 'the secret of room B\n'.repeat(50)

let cluster: Cluster
let hostile: HostilePeer | null = null
before(async () => {
  cluster = await Cluster.start()
})
after(async () => {
  await hostile?.destroy()
  await cluster.close()
  await removeTempDirs()
})

test('a data folder from 0.1 opens with its rooms, history and files, each in its own room', async () => {
  const fixture = JSON.parse(await fs.readFile(path.join(FIXTURES, 'v0.1-alice.json'), 'utf8'))
  const dir = await tempDir()
  execFileSync('tar', ['xzf', path.join(FIXTURES, 'v0.1-alice.tar.gz'), '-C', dir])
  const storage = path.join(dir, 'v0.1')
  const alice = await cluster.node('Alice', storage)
  const { roomA: a, roomB: b } = fixture
  assert.deepEqual(
    alice
      .rooms()
      .map((r) => r.name)
      .sort(),
    ['Room A', 'Room B'],
  )
  await waitForTexts(alice, a, ['hello from room A', 'last in A'])
  await waitForTexts(alice, b, ['hello from room B'])
  assert.equal(
    (await streamBytes(await alice.readFile(a, fixture.fileA))).toString(),
    PLAN,
    'her own old file in A',
  )
  assert.equal((await streamBytes(await alice.readFile(b, fixture.fileB))).toString(), SECRET)
  // The old files moved into their rooms' drives, and only there.
  const driveA = alice.drives(a).own
  const driveB = alice.drives(b).own
  assert.notEqual(alice.drives(a).key, fixture.homeDrive)
  assert.ok(await driveA.entry(fixture.fileAPath))
  assert.equal(await driveA.entry(fixture.fileBPath), null)
  assert.ok(await driveB.entry(fixture.fileBPath))
  assert.equal(await driveB.entry(fixture.fileAPath), null)

  // Bob joins A: history, Alice's old file and her avatar all come from A's drive.
  const bob = await cluster.node('Bob')
  await bob.joinRoom(a)
  await connected(alice, bob, a)
  await waitForTexts(bob, a, ['hello from room A', 'last in A'])
  const entry = await until('the old file entry at Bob', async () =>
    (await bob.history(a)).find((e) => e.id === fixture.fileA),
  )
  assert.equal(entry.file!.drive, alice.drives(a).key, 'the entry points at A’s drive now')
  await bob.download(a, fixture.fileA)
  assert.equal((await streamBytes(await bob.readFile(a, fixture.fileA))).toString(), PLAN)
  const aliceKey = alice.memberKey(a)
  await until('Alice’s avatar at Bob', async () => !!(await bob.readAvatar(a, aliceKey)))
  assert.ok((await bob.history(a)).every((e) => e.text !== 'hello from room B'))

  // The old shared drive is served to nobody any more.
  hostile = await HostilePeer.start({
    bootstrap: cluster.net.bootstrap,
    topicOf: Buffer.from(a, 'hex'),
    roomKeys: [Buffer.from(a, 'hex')],
  })
  await hostile.waitConnected()
  assert.equal(await hostile.requestByKey(Buffer.from(fixture.homeDrive, 'hex'), 3000), 0)

  // The move happens once: a restart finds nothing more to move.
  const before = (await alice.history(a, { limit: 1000 })).length
  await alice.close()
  const again = await cluster.node('Alice', storage)
  assert.equal((await again.history(a, { limit: 1000 })).length, before)
  const config = JSON.parse(await fs.readFile(path.join(storage, 'config.json'), 'utf8'))
  assert.ok(config.rooms.every((r: any) => r.filesMoved === true))
})

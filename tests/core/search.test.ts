import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import Corestore from 'corestore'
import { RoomSearch } from '../../src/core/search/room-search'
import { words } from '../../src/core/search/words'
import { encodeBlock } from '../../src/shared/entries'
import { test } from 'node:test'
import { Cluster, connected, useCluster, waitForTexts } from '../helpers/nodes'
import { tempDir, until } from '../helpers/net'

// Full-text search over a room's history on disk, between two members.

let cluster: Cluster
useCluster((c) => (cluster = c))

test('search finds messages from every member, follows edits and deletes, and survives a restart', async () => {
  const bobDir = await tempDir()
  const alice = await cluster.node('Alice')
  let bob = await cluster.node('Bob', bobDir)
  const room = (await alice.createRoom('search')).key
  await bob.joinRoom(room)
  await connected(alice, bob, room)
  const texts = ['The quarterly report is ready', 'Lunch at the harbour?', 'Report bugs here']
  for (const t of texts) await alice.send(room, t)
  const typo = await alice.send(room, 'meet at the lighthuose')
  await bob.send(room, 'I read the report twice')
  await waitForTexts(bob, room, [...texts, 'I read the report twice'])

  const hits = await until('Bob finds three reports', async () => {
    const h = await bob.search(room, 'report')
    return h.length === 3 ? h : null
  })
  assert.deepEqual(hits.map((h) => h.entry.text).sort(), [
    'I read the report twice',
    'Report bugs here',
    'The quarterly report is ready',
  ])
  assert.ok(hits.every((h) => h.excerpt.toLowerCase().includes('report')))
  assert.equal((await bob.search(room, 'HARBOUR')).length, 1, 'case does not matter')
  assert.equal((await bob.search(room, 'report harbour')).length, 0, 'all words must match')

  // The command answers with the author and the excerpt.
  const cmd = await bob.runCommand('~search quarterly', { room })
  assert.equal(cmd.ok, true)
  assert.match(
    cmd.message,
    /1 message\(s\) match “quarterly”:\nAlice \(.*\): The quarterly report is ready/,
  )

  await alice.edit(room, typo.id, 'meet at the lighthouse')
  const gone = await alice.send(room, 'secret plan')
  await alice.delete(room, gone.id)
  await until(
    'the edit is searchable on Bob',
    async () => (await bob.search(room, 'lighthouse')).length === 1,
  )
  await until(
    'the deleted message is not',
    async () => (await bob.search(room, 'secret')).length === 0,
  )
  assert.equal((await bob.search(room, 'lighthuose')).length, 0)

  // Restart: the index is read back from disk, and new messages are added to it.
  await bob.close()
  const saved = await fs.readdir(`${bobDir}/search`)
  assert.deepEqual(saved, [`${room}.json`])
  bob = await cluster.node('Bob', bobDir)
  assert.equal((await bob.search(room, 'quarterly')).length, 1)
  assert.equal((await bob.search(room, 'lighthouse')).length, 1)
  await alice.send(room, 'one more report')
  await until('the new one too', async () => (await bob.search(room, 'report')).length === 4)

  // Bad input: a clear error.
  await assert.rejects(bob.search(room, '   '), /at least one word/)
  await assert.rejects(bob.search(room, 'x'.repeat(500)), /at most 200/)
  assert.deepEqual(await bob.runCommand('~search', { room }), {
    ok: false,
    message: 'Usage: ~search <words>',
  })
})

test('a corrupt index file is rebuilt from the cores, nothing lost', async () => {
  const dir = await tempDir()
  let alice = await cluster.node('Alice', dir)
  const room = (await alice.createRoom('rebuild')).key
  await alice.send(room, 'needle in the haystack')
  assert.equal((await alice.search(room, 'needle')).length, 1)
  await alice.close()
  await fs.writeFile(`${dir}/search/${room}.json`, '{"v":1,"cursors":{},"index":{"broken":true}}')
  alice = await cluster.node('Alice', dir)
  assert.equal((await alice.search(room, 'needle')).length, 1)
})

/** A word per number, in syllables (one word, whatever the encoder does with digits). */
const SYL = ['ba', 'ce', 'di', 'fo', 'gu', 'ha', 'je', 'ki', 'lo', 'mu']
const tag = (n: number) => 'tag' + [...String(n).padStart(3, '0')].map((d) => SYL[+d]).join('')

test('the index is bounded: past its cap it keeps the newest messages', async () => {
  const store = new Corestore(await tempDir())
  const core = store.get({ name: 'w' })
  await core.ready()
  for (let b = 0; b < 30; b++) {
    const entries = Array.from({ length: 10 }, (_, i) => ({
      t: 'text' as const,
      h: 1024 * (b * 10 + i + 1),
      text: `note ${tag(b * 10 + i)}`,
    }))
    await core.append(encodeBlock('w', -1, entries))
  }
  const key = core.key.toString('hex')
  const search = new RoomSearch(
    { writers: () => [{ key, core }], lookup: async () => null },
    path.join(await tempDir(), 'index.json'),
    100,
  )
  await search.sync()
  assert.ok(search.size <= 100, `holds ${search.size}`)
  assert.ok(search.size >= 50, `holds ${search.size}`)
  assert.equal((await search.ids(tag(299))).length, 1, 'the newest is there')
  assert.equal((await search.ids(tag(0))).length, 0, 'the oldest went')
  await search.close()
  await store.close()
})

/** A writer core of `blocks` blocks of ten tagged notes each, and a search over it. */
async function taggedRoom(blocks: number) {
  const store = new Corestore(await tempDir())
  const core = store.get({ name: 'w' })
  await core.ready()
  for (let b = 0; b < blocks; b++) {
    const entries = Array.from({ length: 10 }, (_, i) => ({
      t: 'text' as const,
      h: 1024 * (b * 10 + i + 1),
      text: `note ${tag(b * 10 + i)}`,
    }))
    await core.append(encodeBlock('w', -1, entries))
  }
  const key = core.key.toString('hex')
  const file = path.join(await tempDir(), 'index.json')
  const open = () =>
    new RoomSearch({ writers: () => [{ key, core }], lookup: async () => null }, file)
  return { store, core, key, file, open }
}

test('after a restart, edits and deletes reach messages indexed before it', async () => {
  const { store, core, key, open } = await taggedRoom(3)
  let search = open()
  assert.equal(await search.sync(), 30)
  await search.close()
  search = open()
  assert.equal(await search.sync(), 0, 'nothing is indexed twice')
  await core.append(
    encodeBlock('w', -1, [
      { t: 'edit', h: 1024 * 100, target: { seq: 1, i: 3 }, text: 'note renamed' },
      { t: 'delete', h: 1024 * 101, target: { seq: 2, i: 9 } },
    ]),
  )
  await search.sync()
  assert.deepEqual(await search.ids('renamed'), [
    { id: `${key}.1.3`, terms: ['renamed'], score: 1 },
  ])
  assert.equal((await search.ids(tag(13))).length, 0, 'the old words of the edited one are gone')
  assert.equal((await search.ids(tag(29))).length, 0, 'the deleted one is gone')
  assert.equal((await search.ids('note')).length, 29, 'the edited one kept "note"')
  assert.equal(search.size, 29)
  await search.close()
  await store.close()
})

test('a writer whose core was cut shorter is read again without indexing anything twice', async () => {
  const { store, core, key, open } = await taggedRoom(3)
  const search = open()
  assert.equal(await search.sync(), 30)
  await core.truncate(1)
  await core.append(encodeBlock('w', -1, [{ t: 'text', h: 1024 * 500, text: 'after the cut' }]))
  await core.append(encodeBlock('w', -1, [{ t: 'text', h: 1024 * 501, text: 'and again' }]))
  await core.append(encodeBlock('w', -1, [{ t: 'text', h: 1024 * 502, text: 'then more' }]))
  await core.truncate(2)
  assert.equal(await search.sync(), 0, 'blocks 0 and 1 are indexed already')
  assert.deepEqual(
    (await search.ids(tag(0))).map((h) => h.id),
    [`${key}.0.0`],
    'found once',
  )
  assert.equal(search.size, 30)
  await core.append(encodeBlock('w', -1, [{ t: 'text', h: 1024 * 503, text: 'finally new' }]))
  assert.equal(await search.sync(), 0, 'seq 2 is still held from before the cut')
  await core.append(encodeBlock('w', -1, [{ t: 'text', h: 1024 * 504, text: 'really new' }]))
  assert.equal(await search.sync(), 1)
  assert.deepEqual(
    (await search.ids('really')).map((h) => h.id),
    [`${key}.3.0`],
  )
  await search.close()
  await store.close()
})

test('an index file of the old format, a cut-short one or garbage is rebuilt, and search works', async () => {
  const { store, key, file, open } = await taggedRoom(3)
  const first = open()
  await first.sync()
  await first.close()
  const saved = await fs.readFile(file, 'utf8')
  const oldFormat = JSON.stringify({
    v: 2,
    cursors: { [key]: 3 },
    base: 0,
    docs: [`${key}.0.0`],
    index: { '1.reg': '[0]' },
  })
  const bad = {
    'old format (version 2)': oldFormat,
    'cut short': saved.slice(0, saved.lastIndexOf('\n', saved.length - 6)),
    garbage: '\u0000\u00ff{{not json',
    'header only': saved.slice(0, saved.indexOf('\n')),
  }
  for (const [what, text] of Object.entries(bad)) {
    await fs.writeFile(file, text)
    const search = open()
    assert.equal(await search.sync(), 30, `${what}: every message is indexed again`)
    assert.deepEqual(
      (await search.ids(tag(17))).map((h) => h.id),
      [`${key}.1.7`],
      `${what}: found`,
    )
    await search.close()
    assert.ok((await fs.readFile(file, 'utf8')).endsWith('\nend\n'), `${what}: saved whole`)
  }
  await store.close()
})

test('words are matched without case or accents, split at anything not a letter or digit', () => {
  assert.deepEqual(words('Café au LAIT, naïve—ok? 2024-11 Ærø ñandú'), [
    'cafe',
    'au',
    'lait',
    'naive',
    'ok',
    '2024',
    '11',
    'ærø',
    'nandu',
  ])
  assert.deepEqual(words('über Über uber'), ['uber', 'uber', 'uber'])
  assert.deepEqual(words('  ...  '), [])
})

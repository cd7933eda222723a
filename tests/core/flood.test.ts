import assert from 'node:assert/strict'
import v8 from 'node:v8'
import vm from 'node:vm'
import { test } from 'node:test'
import { encodeBlock, type Entry } from '../../src/shared/entries'
import { MAX_ENTRIES_PER_BLOCK, TIMELINE_WINDOW_MAX } from '../../src/shared/limits'
import { Cluster, connected, useCluster, waitForTexts } from '../helpers/nodes'
import { until } from '../helpers/net'

// A member floods the room with 200,000 messages (full blocks, as fast as its core takes
// them). The receiver's quota pauses it; a legitimate member's message still arrives; the
// member lets the flood in; all of it arrives, each message once, while the receiver
// holds a window of entries in memory, not the flood.

const FLOOD = 200_000
/**
 * What the receiver's process may grow by, after a full GC, with all of the flood in. Most
 * of it is the search index, which holds terms and ids of up to MAX_INDEXED_MESSAGES
 * (about 85 MiB at 200,000); the timeline itself holds at most TIMELINE_WINDOW_MAX entries
 * (checked below). Before the window, the timeline alone held all 200,000.
 */
const HEAP_BOUND_BYTES = 128 * 1024 * 1024

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
function heapUsed(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

let cluster: Cluster
useCluster((c) => (cluster = c))

test('a flood of 200,000 messages: others still arrive, all of it arrives once, memory stays bounded', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Flood')
  await mallory.send(room, 'before the flood')
  await waitForTexts(alice, room, ['before the flood'])

  const malloryKey = mallory.memberKey(room)
  // One byte per flood message (an id set would itself cost tens of MiB).
  const arrived = new Uint8Array(FLOOD)
  let count = 0
  let twice = 0
  alice.on('entry:added', (item) => {
    if (item.author !== malloryKey || !item.text.startsWith('flood ')) return
    const k = Number(item.text.slice(6))
    if (arrived[k]) twice++
    else count++
    arrived[k] = 1
  })
  const seen = {
    get size() {
      return count
    },
  }
  const start = heapUsed()

  // Mallory's flood, in full blocks (the most messages for the fewest blocks), while Bob
  // talks: his message must not wait behind it.
  const core = mallory.store.get({
    keyPair: mallory.identity.writerKeyPair(Buffer.from(room, 'hex')),
  })
  await core.ready()
  const perAppend = MAX_ENTRIES_PER_BLOCK * 16
  let appended = 0
  const flooding = (async () => {
    for (let n = 0; n < FLOOD; n += perAppend) {
      const blocks: Buffer[] = []
      for (let b = n; b < Math.min(FLOOD, n + perAppend); b += MAX_ENTRIES_PER_BLOCK) {
        const entries: Entry[] = []
        for (let i = b; i < Math.min(FLOOD, b + MAX_ENTRIES_PER_BLOCK); i++)
          entries.push({ t: 'text', h: mallory.clock.tick(), text: `flood ${i}` })
        blocks.push(Buffer.from(encodeBlock('Mallory', -1, entries)))
      }
      await core.append(blocks)
      appended = Math.min(FLOOD, n + perAppend)
    }
  })()
  await until('the flood to be under way', () => seen.size > 0)
  await bob.send(room, 'Bob during the flood')
  await waitForTexts(alice, room, ['Bob during the flood'])
  console.log(`# Bob's message arrived with ${seen.size} of the flood in (${appended} sent)`)
  await flooding
  await core.close()

  // Past the block quota Mallory is paused; the member lets her in.
  await until(
    'the flood to arrive, or Mallory to be paused',
    () => seen.size === FLOOD || alice.members(room).some((m) => m.key === malloryKey && m.paused),
    120_000,
  )
  if (seen.size < FLOOD) alice.resumeMember(room, malloryKey)
  await until('all of the flood to arrive', () => seen.size === FLOOD || undefined, 120_000)
  assert.equal(twice, 0, 'no flood message emitted twice')

  const timeline = (alice as any).rooms_.get(room).timeline
  assert.ok(timeline.loaded.length <= TIMELINE_WINDOW_MAX, `${timeline.loaded.length} entries held`)
  const grown = heapUsed() - start
  console.log(`# heap grew by ${(grown / 2 ** 20).toFixed(1)} MiB with the flood in`)
  assert.ok(grown < HEAP_BOUND_BYTES, `heap grew by ${(grown / 2 ** 20).toFixed(1)} MiB`)

  // Still readable in full, newest first: the newest page and one far back.
  const newest = await alice.history(room, { limit: 5 })
  assert.deepEqual(
    newest.map((e) => e.text),
    [195, 196, 197, 198, 199].map((k) => `flood ${FLOOD - 200 + k}`),
  )
})

test('8,000 sends fired at once each resolve with their entry, though the window let most go', async () => {
  const a = await cluster.node('A')
  const b = await cluster.node('B')
  const { key } = await a.createRoom('Burst')
  await b.joinRoom(key)
  await connected(a, b, key)
  const sends: Array<Promise<{ text: string }>> = []
  for (let i = 0; i < 8000; i++) sends.push((i % 2 ? a : b).send(key, `m${i}`))
  const items = await Promise.all(sends)
  assert.deepEqual(
    items.map((e) => e.text),
    Array.from({ length: 8000 }, (_, i) => `m${i}`),
  )
})

test('messages sent at once are ordered as send() was called, plain or with checks to wait for', async () => {
  const a = await cluster.node('A')
  const b = await cluster.node('B')
  const { key } = await a.createRoom('Order')
  await b.joinRoom(key)
  await connected(a, b, key)
  const bob = b.memberKey(key)
  const sends: Array<Promise<unknown>> = []
  for (let i = 0; i < 300; i++) {
    // Mentions are checked asynchronously; the plain ones around them must not overtake.
    if (i === 150) (a as any).disk.checkedAt = 0 // a disk check is due mid-burst
    sends.push(a.send(key, `o${i}`, i % 7 === 3 ? { mentions: [bob] } : {}))
  }
  await Promise.all(sends)
  const history = await a.history(key, { limit: 300 })
  assert.deepEqual(
    history.map((e) => e.text),
    Array.from({ length: 300 }, (_, i) => `o${i}`),
  )
})

import assert from 'node:assert/strict'
import path from 'node:path'
import { after, test } from 'node:test'
import Corestore from 'corestore'
import { encodeBlock } from '../../src/shared/entries'
import { HybridClock } from '../../src/core/rooms/clock'
import { readLocalBlocks, readLocalBlocksAt } from '../../src/core/rooms/blocks'
import { Timeline, type BlockReader } from '../../src/core/rooms/timeline'
import { removeTempDirs, tempDir, until } from '../helpers/net'

// The merge of writer tails reads blocks that are on disk and leaves a hole for each one
// that is not there yet. A block can land while that read is still in flight: its
// 'download' event then comes before the hole exists. These tests make real blocks arrive
// (real cores, real replication) exactly in that order, which lost entries for good.

const BLOCKS = 40
const stores: any[] = []

after(async () => {
  await Promise.all(stores.map((s) => s.close()))
  await removeTempDirs()
})

async function pair() {
  const writer = new Corestore(path.join(await tempDir(), 'w'))
  const reader = new Corestore(path.join(await tempDir(), 'r'))
  stores.push(writer, reader)
  const source = writer.get({ name: 'writer' })
  await source.ready()
  const h = Date.now() * 1024
  const blocks = Array.from({ length: BLOCKS }, (_, n) =>
    encodeBlock('W', -1, [{ t: 'text', h: h + n, text: `m${n}` }]),
  )
  await source.append(blocks.map((b) => Buffer.from(b)))
  const s1 = writer.replicate(true)
  const s2 = reader.replicate(false)
  s1.pipe(s2).pipe(s1)
  const core = reader.get({ key: source.key })
  await core.ready()
  return core
}

async function learnLength(core: any) {
  await core.update({ wait: true })
  assert.equal(core.length, BLOCKS)
}

/** A timeline wired to a real core the way a room wires it, counting what it emits. */
function follow(core: any, reads: BlockReader) {
  const timeline = new Timeline('room', new HybridClock(), { invalidEntries: 0 }, reads)
  const key = core.key.toString('hex')
  const added: string[] = []
  timeline.on('added', (item) => added.push(item.id))
  core.on('download', (seq: number) => {
    timeline.downloaded(key, seq)
    timeline.update(key).catch(() => {})
  })
  return { timeline, key, added }
}

test('a block that lands while the forward read of its range is in flight is still emitted', async () => {
  const core = await pair()
  let first = true
  const reads: BlockReader = {
    async range(c, start, end) {
      const blocks = await readLocalBlocks(c, start, end)
      if (first) {
        first = false
        // Block 7 arrives after the read found nothing there, before the read returns.
        await c.get(7)
      }
      return blocks
    },
    at: readLocalBlocksAt,
  }
  const { timeline, key, added } = follow(core, reads)
  // The writer joins while its length is still unknown (0), as a late reader sees it;
  // its blocks then come in through the forward read of update().
  await timeline.addWriter(core, false)
  await timeline.page(undefined, 50) // empty so far: everything from here on is live
  await learnLength(core)
  await timeline.update(key)
  await core.download({ start: 0, end: BLOCKS }).done()
  await until(
    `all ${BLOCKS} entries emitted (have ${added.length})`,
    () => added.length === BLOCKS,
    5000,
  )
  assert.equal(new Set(added).size, BLOCKS, 'each entry emitted once')
  const page = await timeline.page(undefined, 1000)
  assert.deepEqual(
    page.map((e) => e.text),
    Array.from({ length: BLOCKS }, (_, n) => `m${n}`),
  )
})

test('a block that lands while a backward read (scroll or late writer) is in flight is still read', async () => {
  const core = await pair()
  let first = true
  const reads: BlockReader = {
    async range(c, start, end) {
      const blocks = await readLocalBlocks(c, start, end)
      if (first && end - start > 1) {
        first = false
        await c.get(end - 2)
      }
      return blocks
    },
    at: readLocalBlocksAt,
  }
  const { timeline, key, added } = follow(core, reads)
  // The floor is set first, so the writer joins the merge by reading backwards from its top.
  await learnLength(core)
  await timeline.page(undefined, 50)
  await timeline.addWriter(core, false)
  await timeline.update(key)
  await core.download({ start: 0, end: BLOCKS }).done()
  await until(
    `all ${BLOCKS} entries emitted (have ${added.length})`,
    () => added.length === BLOCKS,
    5000,
  )
  assert.equal(new Set(added).size, BLOCKS, 'each entry emitted once')
})

test('a hole whose download event was missed is found again from what the core holds', async () => {
  const core = await pair()
  const { timeline, key, added } = follow(core, {
    range: readLocalBlocks,
    at: readLocalBlocksAt,
  })
  await learnLength(core)
  await timeline.page(undefined, 50)
  await timeline.addWriter(core, false)
  await timeline.update(key) // every block is a hole: nothing is held yet
  core.removeAllListeners('download') // as if every event had been lost
  await core.download({ start: 0, end: BLOCKS }).done()
  assert.equal(added.length, 0)
  assert.equal(timeline.missing().blocks, BLOCKS, 'the timeline knows what it has not read')
  await timeline.reconcile()
  assert.equal(added.length, BLOCKS)
  assert.equal(timeline.missing().blocks, 0)
})

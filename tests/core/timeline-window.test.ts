import assert from 'node:assert/strict'
import path from 'node:path'
import { after, test } from 'node:test'
import Corestore from 'corestore'
import { encodeBlock, type Entry } from '../../src/shared/entries'
import { HybridClock } from '../../src/core/rooms/clock'
import { Timeline } from '../../src/core/rooms/timeline'
import { removeTempDirs, tempDir } from '../helpers/net'

// The timeline holds a window of entries, not the room. These tests shrink the window to
// a few dozen entries over real cores on disk, then check that nothing is lost or doubled
// as entries arrive live and as the reader pages back through everything and returns.

const WINDOW = { max: 60, keep: 30 }
const stores: any[] = []
after(async () => {
  await Promise.all(stores.map((s) => s.close()))
  await removeTempDirs()
})

async function writers(n: number) {
  const store = new Corestore(path.join(await tempDir(), 'store'))
  stores.push(store)
  const cores = []
  for (let k = 0; k < n; k++) {
    const core = store.get({ name: `w${k}` })
    await core.ready()
    cores.push(core)
  }
  return cores
}

function follow(cores: any[]) {
  const timeline = new Timeline(
    'room',
    new HybridClock(),
    { invalidEntries: 0 },
    undefined,
    undefined,
    WINDOW,
  )
  const added: string[] = []
  let most = 0
  timeline.on('added', (item) => {
    added.push(item.text)
    most = Math.max(most, timeline.loaded.length)
  })
  for (const core of cores)
    core.on('append', () => timeline.update(core.key.toString('hex')).catch(() => {}))
  return { timeline, added, most: () => most }
}

/** Pages from the newest to the oldest entry, `limit` at a time; texts oldest first. */
async function pageThrough(timeline: Timeline, limit: number, most: number[]) {
  const seen: string[] = []
  let before: string | undefined
  for (;;) {
    const page = await timeline.page(before, limit)
    most.push(timeline.loaded.length)
    if (!page.length) return seen
    seen.unshift(...page.map((e) => e.text))
    before = page[0].order
  }
}

const base = (Date.now() - 3_600_000) * 1024

test('entries arriving live and paged back through stay complete while the window stays small', async () => {
  const cores = await writers(3)
  const { timeline, added, most } = follow(cores)
  for (const core of cores) await timeline.addWriter(core, false)
  await timeline.page(undefined, 20)

  // 3 writers, interleaved in time; every fifth block holds several entries.
  const expected: string[] = []
  const seqs = [0, 0, 0]
  for (let n = 0; n < 300; n++) {
    const k = n % 3
    const count = n % 5 === 0 ? 4 : 1
    const entries: Entry[] = []
    for (let i = 0; i < count; i++) {
      const text = `m${n}.${i}`
      entries.push({ t: 'text', h: base + n * 100 + i, text })
      expected.push(text)
    }
    await cores[k].append(Buffer.from(encodeBlock(`W${k}`, -1, entries)))
    seqs[k]++
  }
  // An edit of an early message of writer 0 (block 2, its 3rd message): shown when paged to.
  await cores[0].append(
    Buffer.from(
      encodeBlock('W0', -1, [
        { t: 'edit', h: base + 400 * 100, target: { seq: 2, i: 0 }, text: 'edited' },
      ]),
    ),
  )
  for (const core of cores) await timeline.update(core.key.toString('hex'))

  assert.deepEqual(added, expected, 'every entry arrived live once, in order')
  assert.ok(most() <= WINDOW.max, `held ${most()} entries, window is ${WINDOW.max}`)

  const held: number[] = []
  const paged = await pageThrough(timeline, 17, held)
  const want = expected.map((t) => (t === 'm6.0' ? 'edited' : t))
  assert.deepEqual(paged, want, 'paging back finds every entry once, in order, edit applied')
  assert.ok(Math.max(...held) <= WINDOW.max, `paging held up to ${Math.max(...held)}`)
  assert.equal(timeline.atNewest, false, 'scrolled far back, the newest are let go')

  // Back to the newest: read down from the top again; then again all the way.
  const newest = await timeline.page(undefined, 10)
  assert.deepEqual(
    newest.map((e) => e.text),
    want.slice(-10),
  )
  assert.equal(timeline.atNewest, true)
  assert.deepEqual(await pageThrough(timeline, 25, held), want, 'a second pass is the same')
})

test('a message arriving while the reader is scrolled far back is passed on and held again on return', async () => {
  const cores = await writers(2)
  const { timeline, added } = follow(cores)
  for (const core of cores) await timeline.addWriter(core, false)
  await timeline.page(undefined, 20)
  for (let n = 0; n < 200; n++)
    await cores[n % 2].append(
      Buffer.from(encodeBlock('W', -1, [{ t: 'text', h: base + n * 100, text: `m${n}` }])),
    )
  for (const core of cores) await timeline.update(core.key.toString('hex'))

  // Scroll back to the oldest page.
  let before: string | undefined
  for (let p = 0; p < 20; p++) {
    const page = await timeline.page(before, 10)
    if (!page.length) break
    before = page[0].order
  }
  assert.equal(timeline.atNewest, false)
  const count = added.length
  await cores[1].append(
    Buffer.from(encodeBlock('W', -1, [{ t: 'text', h: base + 500 * 100, text: 'late news' }])),
  )
  await timeline.update(cores[1].key.toString('hex'))
  assert.deepEqual(added.slice(count), ['late news'], 'passed on live, once')
  await timeline.toNewest()
  const top = await timeline.page(undefined, 3)
  assert.deepEqual(
    top.map((e) => e.text),
    ['m198', 'm199', 'late news'],
  )
  assert.ok(timeline.get(top[2].id), 'held again, so updates to it are shown')
})

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TimelineEntry } from '../../src/shared/types'
import { Cluster, connected } from '../helpers/nodes'
import { removeTempDirs, until } from '../helpers/net'

// A writer's newest blocks that are not here yet (live messages) are asked for with a
// waiting get and placed from the value it returns (timeline.ts, WAITING_GETS), not read
// back from disk once their download event fires. The disk path for holes is watched:
// live messages arrive, each once, and (but for a block that lands in the moment before
// its get is made, which that path then reads) none is read back.

const MESSAGES = 30
const BURST = 3
/** Blocks that may land between the timeline finding them missing and asking for them. */
const RACES_ALLOWED = MESSAGES / 4

let cluster: Cluster
before(async () => {
  cluster = await Cluster.start()
})
after(async () => {
  await cluster.close()
  await removeTempDirs()
})

test('live messages arrive as the values of waiting gets, not read back from disk', async () => {
  const w = await cluster.node('Writer')
  const r = await cluster.node('Reader')
  const { key: room } = await w.createRoom('gets')
  await r.joinRoom(room)
  await connected(w, r, room)
  const timeline = (r as any).rooms_.get(room).timeline
  const disk = timeline.reads
  const readBack: number[] = []
  timeline.reads = {
    range: disk.range,
    // The path a hole takes after its download event (readArrived) and in reconcile.
    at: (core: any, seqs: number[]) => {
      readBack.push(...seqs)
      return disk.at(core, seqs)
    },
  }
  const got: TimelineEntry[] = []
  r.on('entry:added', (item: TimelineEntry) => item.room === room && got.push(item))
  // In short bursts, each message its own block: a few missing blocks at a time.
  for (let i = 0; i < MESSAGES; i += BURST) {
    for (let k = i; k < i + BURST; k++) await w.send(room, `live ${k}`)
    await until(
      `messages up to ${i + BURST} to arrive`,
      async () => got.length >= i + BURST,
      20_000,
    )
  }
  console.log(`# ${readBack.length} blocks read back from disk`)
  assert.deepEqual(
    got.sort((a, b) => (a.order < b.order ? -1 : 1)).map((item) => item.text),
    Array.from({ length: MESSAGES }, (_, i) => `live ${i}`),
  )
  assert.equal(new Set(got.map((item) => item.id)).size, MESSAGES)
  assert.ok(readBack.length <= RACES_ALLOWED, `${readBack.length} blocks read back from disk`)
})

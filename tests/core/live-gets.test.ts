import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TimelineEntry } from '../../src/shared/types'
import { Cluster, connected } from '../helpers/nodes'
import { removeTempDirs, until } from '../helpers/net'

// A writer's newest blocks that are not here yet are asked for with a waiting get and
// placed from the value it returns (timeline.ts, WAITING_GETS), not read back from disk
// once their download event fires. Here the disk path for holes is made to find nothing:
// live messages must still arrive, each once (in whatever order their blocks land; the
// timeline's order is by the entries' order keys).

const MESSAGES = 20

let cluster: Cluster
before(async () => {
  cluster = await Cluster.start()
})
after(async () => {
  await cluster.close()
  await removeTempDirs()
})

test('live messages arrive from the waiting get even when reading their hole back finds nothing', async () => {
  const w = await cluster.node('Writer')
  const r = await cluster.node('Reader')
  const { key: room } = await w.createRoom('gets')
  await r.joinRoom(room)
  await connected(w, r, room)
  const timeline = (r as any).rooms_.get(room).timeline
  const holesRead: number[] = []
  timeline.reads = {
    range: timeline.reads.range,
    // The path a hole takes after its download event (readArrived) and in reconcile.
    at: async (_core: any, seqs: number[]) => {
      holesRead.push(...seqs)
      return seqs.map(() => null)
    },
  }
  const got: TimelineEntry[] = []
  r.on('entry:added', (item: TimelineEntry) => item.room === room && got.push(item))
  for (let i = 0; i < MESSAGES; i++) await w.send(room, `live ${i}`)
  await until('the reader to get every message', async () => got.length >= MESSAGES, 20_000)
  assert.deepEqual(
    got.sort((a, b) => (a.order < b.order ? -1 : 1)).map((item) => item.text),
    Array.from({ length: MESSAGES }, (_, i) => `live ${i}`),
  )
  assert.equal(new Set(got.map((item) => item.id)).size, MESSAGES)
})

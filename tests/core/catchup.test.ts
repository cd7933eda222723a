import assert from 'node:assert/strict'
import { test } from 'node:test'
import { allHistory, fillRoom, lateReader } from '../helpers/catchup'
import { Cluster, connected, useCluster } from '../helpers/nodes'
import { until } from '../helpers/net'

// A member who was away gets every message, each once, and the room says how much of
// its history is here. The long version of the first test is `npm run stress:catchup`.

const SLICE_MESSAGES = 900
const SLICE_RUNS = 3

let cluster: Cluster
useCluster((c) => (cluster = c))

test(`late readers each get all ${SLICE_MESSAGES} one-per-block messages, each emitted once`, async () => {
  const { room, nodes } = await fillRoom(cluster, SLICE_MESSAGES)
  for (let run = 0; run < SLICE_RUNS; run++) {
    const r = await lateReader(cluster, room, SLICE_MESSAGES, run, 60_000)
    assert.equal(r.emitted, SLICE_MESSAGES)
  }
  await Promise.all(nodes.map((n) => n.close()))
})

test('a gap nobody online can fill is reported, and closes when a member who has it returns', async () => {
  const w = await cluster.node('Writer')
  const keeper = await cluster.node('Keeper')
  const { key: room } = await w.createRoom('gaps')
  await keeper.joinRoom(room)
  await connected(w, keeper, room)
  for (let i = 0; i < 60; i++) await w.send(room, `m${i}`)
  await until(
    'the keeper to hold all 60',
    async () => (await allHistory(keeper, room)).length === 60,
  )
  const writerKey = w.memberKey(room)
  // The keeper loses the oldest 20 blocks of the writer's core (a cleared disk) while the
  // writer goes away: nobody online has them, though everybody knows they exist.
  const storage = w.storage
  await w.close()
  const core = (keeper as any).rooms_.get(room).timeline.writers.get(writerKey).core
  await core.clear(0, 20)

  const late = await cluster.node('Late')
  await late.joinRoom(room)
  await connected(late, keeper, room)
  const gap = await until(
    'the late reader to report a gap',
    async () => {
      const s = await late.syncProgress(room)
      return s.state === 'gap' && s
    },
    20_000,
  )
  assert.ok(gap.missing >= 19 && gap.missing <= 21, `missing ${gap.missing}`)
  const mine = gap.writers.find((x) => x.key === writerKey)
  assert.ok(mine && mine.length - mine.held === gap.missing, JSON.stringify(gap.writers))
  assert.ok((await allHistory(late, room)).length < 60)

  // The writer comes back: the gap fills and the room reports itself complete.
  const back = await cluster.node('Writer', storage)
  await connected(back, late, room)
  await until(
    'the gap to close',
    async () => (await late.syncProgress(room)).state === 'complete',
    20_000,
  )
  const texts = (await allHistory(late, room)).map((e) => e.text)
  assert.deepEqual(
    texts,
    Array.from({ length: 60 }, (_, i) => `m${i}`),
  )
})

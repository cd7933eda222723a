import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TimelineEntry } from '../../src/shared/types'
import { Cluster, connected, useCluster } from '../helpers/nodes'
import { until } from '../helpers/net'

// A member back from a while away sees the newest messages first: a writer's newest
// blocks are fetched before its backlog, not mixed with random picks of it.

const MESSAGES = 400
/** The newest this many are fetched first, alone (NEWEST_FIRST_STAGE_BLOCKS). */
const NEWEST = 24
/** Then the rest of the newest blocks (NEWEST_FIRST_BLOCKS); older ones are the backlog. */
const NEWEST_FIRST = 64
/**
 * Before the last of the newest shows, at most this share of the backlog may have shown
 * (fetched together with the backlog, as before the newest-first stages, 30-63 of 336 did).
 */
const BACKLOG_SHARE = 0.05

let cluster: Cluster
useCluster((c) => (cluster = c))

test('a late reader gets the newest messages before the backlog', async () => {
  const writer = await cluster.node('Writer')
  const { key: room } = await writer.createRoom('newest first')
  for (let i = 0; i < MESSAGES; i++) await writer.send(room, `message ${i}`)

  const reader = await cluster.node('Reader')
  const order: number[] = []
  reader.on('entry:added', (item: TimelineEntry) => {
    if (item.room === room && item.kind === 'text') order.push(Number(item.text.split(' ')[1]))
  })
  await reader.joinRoom(room)
  await connected(writer, reader, room)
  await until('the reader to have every message', async () => order.length >= MESSAGES, 60_000)

  assert.equal(new Set(order).size, MESSAGES, 'every message once')
  const backlog = MESSAGES - NEWEST_FIRST
  const lastNewest = Math.max(...order.map((i, at) => (i >= MESSAGES - NEWEST ? at : -1)))
  const backlogBefore = order.slice(0, lastNewest).filter((i) => i < backlog).length
  assert.ok(
    backlogBefore <= backlog * BACKLOG_SHARE,
    `${backlogBefore} of the ${backlog} oldest messages showed before the newest ${NEWEST} were all there`,
  )
  await reader.close()
  await writer.close()
})

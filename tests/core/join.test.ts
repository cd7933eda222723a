import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Cluster, useCluster } from '../helpers/nodes'
import { until } from '../helpers/net'

let cluster: Cluster
useCluster((c) => (cluster = c))

test('ten peers joining one room at the same moment all connect, within the mesh cap', async () => {
  const nodes = await Promise.all(Array.from({ length: 10 }, (_, i) => cluster.node(`P${i}`)))
  const key = 'ab'.repeat(32)
  await Promise.all(nodes.map((n) => n.joinRoom(key, 'Crowd')))
  // The default mesh keeps at most 8 links per room: each dials 3 and accepts up to 8.
  await until(
    'every peer to hold at least three links',
    () => nodes.every((n) => n.peers(key).length >= 3),
    20000,
  )
  // And a message from one reaches all.
  await nodes[3].send(key, 'hello crowd')
  await until('all to receive it', async () => {
    const seen = await Promise.all(
      nodes.map(async (n) => (await n.history(key)).some((e) => e.text === 'hello crowd')),
    )
    return seen.every(Boolean)
  })
  assert.ok(nodes.every((n) => n.peers(key).length <= 8))
})

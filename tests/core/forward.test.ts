import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Cluster, connected, find, useCluster, waitForTexts } from '../helpers/nodes'
import { until } from '../helpers/net'

let cluster: Cluster
useCluster((c) => (cluster = c))

test('store and forward: C gets A’s messages from B alone, still as A’s', async () => {
  const a = await cluster.node('A')
  const b = await cluster.node('B')
  const room = await a.createRoom('Relay')
  await b.joinRoom(room.key)
  await connected(a, b, room.key)
  const aKey = a.memberKey(room.key)

  const written = ['one', 'two', 'three']
  for (const text of written) await a.send(room.key, text)
  await waitForTexts(b, room.key, written)
  await a.close()
  await until('B to see A leave', () => b.peers(room.key).length === 0)

  // C was offline the whole time and only ever meets B.
  const c = await cluster.node('C')
  await c.joinRoom(room.key)
  await connected(b, c, room.key)
  const seen = await waitForTexts(c, room.key, written)
  assert.deepEqual(seen, written)
  const history = await c.history(room.key)
  for (const text of written) {
    const entry = find(history, text)
    assert.equal(entry.author, aKey, 'author is A’s writer key, verified by its signature')
    assert.equal(entry.authorName, 'A')
  }
  assert.ok(c.members(room.key).some((m) => m.key === aKey && !m.online))
})

test('a late joiner gets all history once it connects to anyone', async () => {
  const a = await cluster.node('A2')
  const room = await a.createRoom('Late')
  const sends = []
  for (let i = 0; i < 500; i++) sends.push(a.send(room.key, `old ${i}`))
  await Promise.all(sends)
  const late = await cluster.node('Late')
  await late.joinRoom(room.key)
  await until(
    '500 messages',
    async () => (await late.history(room.key, { limit: 1000 })).length === 500,
  )
  const first = await late.history(room.key, { limit: 1 })
  assert.equal(first[0].text, 'old 499')
})

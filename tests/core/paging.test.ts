import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Cluster, connected, useCluster } from '../helpers/nodes'
import { tempDir, until } from '../helpers/net'

let cluster: Cluster
useCluster((c) => (cluster = c))

test('scrolling back pages through three writers in one order, also after a restart', async () => {
  const dir = await tempDir()
  const a = await cluster.node('A', dir)
  const b = await cluster.node('B')
  const c = await cluster.node('C')
  const room = await a.createRoom('Pages')
  await b.joinRoom(room.key)
  await c.joinRoom(room.key)
  await connected(a, b, room.key)
  await connected(a, c, room.key)
  // Interleaved writers; some sends in bursts so blocks hold several entries.
  for (let round = 0; round < 30; round++) {
    await Promise.all([a, b, c].map((n, i) => n.send(room.key, `r${round}-w${i}`)))
    if (round % 10 === 0)
      await Promise.all(
        Array.from({ length: 20 }, (_, k) => b.send(room.key, `burst${round}-${k}`)),
      )
  }
  const total = 30 * 3 + 3 * 20
  await until(
    'A to have everything',
    async () => (await a.history(room.key, { limit: 1000 })).length === total,
  )
  const all = (await a.history(room.key, { limit: 1000 })).map((e) => e.id)

  const pageThrough = async (node = a) => {
    const seen: string[] = []
    let before: string | undefined
    for (;;) {
      const page = await node.history(room.key, { before, limit: 17 })
      if (!page.length) break
      seen.unshift(...page.map((e) => e.id))
      before = page[0].order
    }
    return seen
  }
  assert.deepEqual(await pageThrough(), all)

  await a.close()
  const reopened = await cluster.node('A', dir)
  assert.deepEqual(await pageThrough(reopened), all, 'a restart reads from the newest page down')
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RoomInfo } from '../../src/shared/types'
import { Cluster, useCluster } from '../helpers/nodes'
import { until } from '../helpers/net'

// "Joining is never silently stuck": while a room has no peer the engine says it is
// looking (RoomInfo.finding, set by net/discovery.ts), and stops saying so once a peer's
// room channel opens; when the last peer leaves it looks again.

let cluster: Cluster
useCluster((c) => (cluster = c))

test('a room reports it is looking for members, then connected, then looking again', async () => {
  const alice = await cluster.node('Alice')
  const updates: RoomInfo[] = []
  alice.on('room:updated', (info: RoomInfo) => updates.push(info))
  const joinedAt = Date.now()
  const room = await alice.createRoom('Lonely')

  const alone = alice.rooms().find((r) => r.key === room.key)!
  assert.equal(alone.peers, 0)
  assert.ok(alone.finding, 'a room with nobody says it is looking')
  assert.ok(alone.finding.attempts >= 1)
  assert.ok(alone.finding.since >= joinedAt && alone.finding.lastAttempt >= alone.finding.since)

  // The repeat lookups are reported as they start.
  await alice.flushed(room.key)
  const looked = await until('a repeat lookup to be reported', () =>
    updates.find((u) => u.key === room.key && (u.finding?.attempts ?? 0) >= 2),
  )
  assert.ok(looked.finding!.lastAttempt >= alone.finding.lastAttempt)

  const bob = await cluster.node('Bob')
  await bob.joinRoom(room.key)
  await until('Alice to have Bob as a peer', () => alice.peers(room.key).length === 1)
  const together = alice.rooms().find((r) => r.key === room.key)!
  assert.equal(together.finding ?? null, null, 'no longer looking once a peer is connected')
  await until('an update without finding', () =>
    updates.some((u) => u.key === room.key && u.peers === 1 && !u.finding),
  )

  const leftAt = Date.now()
  await bob.close()
  const again = await until('Alice to look again once Bob left', () => {
    const info = alice.rooms().find((r) => r.key === room.key)!
    return info.peers === 0 && info.finding
  })
  assert.ok(again.since >= leftAt, 'the search starts over when the last peer leaves')
  assert.ok(again.attempts >= 1)
})

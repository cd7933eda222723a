import assert from 'node:assert/strict'
import { test } from 'node:test'
import crypto from 'node:crypto'
import fc from 'fast-check'
import { decodeFrame, MAX_AHEAD_HOPS, WritersSchema } from '../../src/core/net/channel'
import { Admission } from '../../src/core/rooms/admission'
import { MAX_UNPROVEN_WRITERS_PER_PEER } from '../../src/shared/limits'
import { channelTo, Cluster, roomOf, useCluster } from '../helpers/nodes'
import { until } from '../helpers/net'

// Writer keys passed on ahead of their first block (src/core/rooms/room.ts, passAhead): a
// member passes a key it starts following on to its other links before it has read an
// entry of it, so that the next hops open the core meanwhile. Made-up keys must not get
// free spread: a key goes at most MAX_AHEAD_HOPS hops ahead, and each hop takes it on a
// quota of its own per sender (admission.ts), never on the one vouched keys get in on.

let cluster: Cluster
useCluster((c) => (cluster = c))

const fakeKeys = (n: number) =>
  Array.from({ length: n }, () => crypto.randomBytes(32).toString('hex'))
const frame = (value: unknown) => Buffer.from(JSON.stringify(value))

test('a writers frame takes `ahead` only as a whole number of hops from 1 to MAX_AHEAD_HOPS', () => {
  const keys = fakeKeys(2)
  fc.assert(
    fc.property(
      fc.oneof(
        fc.integer({ min: -5, max: MAX_AHEAD_HOPS + 5 }),
        fc.double(),
        fc.string(),
        fc.constant(null),
      ),
      (ahead) => {
        const decoded = decodeFrame(frame({ writers: keys, ahead }), WritersSchema)
        const valid =
          Number.isInteger(ahead) && (ahead as number) >= 1 && (ahead as number) <= MAX_AHEAD_HOPS
        assert.equal(decoded !== null, valid, `ahead ${String(ahead)}`)
        if (decoded) assert.deepEqual(decoded, { writers: keys, ahead })
      },
    ),
  )
  // Without it, the frame is what it always was: keys the sender vouches for.
  assert.deepEqual(decodeFrame(frame({ writers: keys }), WritersSchema), { writers: keys })
})

test('keys passed on ahead have a quota of their own per sender, apart from vouched ones', () => {
  const admission = new Admission()
  const ahead = fakeKeys(MAX_UNPROVEN_WRITERS_PER_PEER + 1)
  const vouched = fakeKeys(MAX_UNPROVEN_WRITERS_PER_PEER + 1)
  const took = (keys: string[], isAhead: boolean) =>
    keys.filter((k) => admission.offer('mallory', k, isAhead)).length
  assert.equal(took(ahead, true), MAX_UNPROVEN_WRITERS_PER_PEER, 'ahead: the quota, no more')
  assert.equal(took(vouched, false), MAX_UNPROVEN_WRITERS_PER_PEER, 'vouched: untouched by them')
  // A key that proves itself frees its place in the quota it was taken on, and only there.
  admission.proven(ahead[0])
  assert.equal(admission.offer('mallory', ahead.at(-1)!, true), true)
  assert.equal(admission.offer('mallory', vouched.at(-1)!, false), false)
  // Probation runs out for both alike.
  const expired = admission.expired(Date.now() + 60 * 60_000)
  assert.equal(expired.length, 2 * MAX_UNPROVEN_WRITERS_PER_PEER)
  assert.equal(admission.onProbation, 0)
})

test('a key goes one hop further ahead from each member, never past MAX_AHEAD_HOPS', async () => {
  const { alice, bob, mallory, room } = await cluster.trio('Ahead')
  const aRoom = roomOf(alice, room)
  const bRoom = roomOf(bob, room)
  const ch = channelTo(mallory, alice, room)
  const near = fakeKeys(4)
  const last = fakeKeys(4)
  // A core of another of Alice's rooms is never followed here, so never passed on either.
  const { key: other } = await alice.createRoom('Elsewhere')
  const elsewhere = alice.memberKey(other)
  ch.sendWriters([...near, elsewhere], MAX_AHEAD_HOPS - 1)
  ch.sendWriters(last, MAX_AHEAD_HOPS)
  const fromAlice = alice.swarm.keyPair.publicKey.toString('hex')
  await until('Bob to follow the keys Alice passed on', () =>
    near.every((k) => bRoom.following.has(k)),
  )
  for (const k of near) {
    const p = bRoom.admission.probation.get(k)
    assert.deepEqual([p?.from, p?.ahead], [fromAlice, true], 'on Alice’s quota for keys ahead')
  }
  // Keys at the last hop are followed by Alice, and passed on no further.
  assert.ok(last.every((k) => aRoom.following.has(k)))
  // Bob's links get the near keys at the last hop: he follows them but passes nothing on.
  assert.ok(near.every((k) => bRoom.ahead.get(k) === undefined))
  await new Promise((r) => setTimeout(r, 500))
  assert.ok(
    last.every((k) => !bRoom.following.has(k)),
    'a key at the last hop went no further',
  )
  assert.ok(!aRoom.following.has(elsewhere) && !bRoom.following.has(elsewhere))
})

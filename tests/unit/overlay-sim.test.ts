import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runScenario } from '../../bench/lib/overlay-model'
import { DEFAULT_RULES, OverlaySim, type Costs } from '../../bench/lib/overlay-sim'

// The room overlay model (bench/overlay.ts) against hops, times and bytes worked out by
// hand on a six-member graph, and the mesh rules it must keep under random churn.

const COSTS: Costs = {
  firstHopMs: [10],
  relayHopMs: [5],
  connectMs: [1],
  dataSendBytes: 100,
  dataReplyBytes: 10,
  announceBytes: 1,
}

//   0 ─ 1 ─ 2 ─ 3 ─ 5
//    \─── 4 ───/
const EDGES = [
  [0, 1],
  [1, 2],
  [2, 3],
  [0, 4],
  [4, 3],
  [3, 5],
]

/** The arrays are sized ahead for members yet to join; the six of the graph come first. */
const six = (a: ArrayLike<number>) => Array.from(a).slice(0, 6)

function graph(): OverlaySim {
  const sim = new OverlaySim(DEFAULT_RULES, COSTS, 1, 8)
  for (let i = 0; i < 6; i++) sim.add(false)
  for (const [a, b] of EDGES) assert.ok(sim.connect(a, b))
  return sim
}

test('a message takes the shortest way: hops, arrival times and the member it came from', () => {
  const sim = graph()
  const m = sim.send(0)
  sim.runUntil(100)
  assert.deepEqual(six(m.hops), [0, 1, 2, 2, 1, 3])
  assert.deepEqual(six(m.at), [0, 10, 15, 15, 10, 20])
  // 3 hears of it from 2 and from 4 at once (t 15 + 5 vs t 10 + 5): 4's offer is earlier.
  assert.deepEqual(six(m.via), [-1, 0, 1, 4, 0, 3])
})

test('bytes: the server of each hop pays the block, every member announces to the rest', () => {
  const sim = graph()
  const m = sim.send(0)
  sim.runUntil(100)
  // 0: announces to 1 and 4 (2), serves both (2 × 99). 1 and 4: fetch (10), announce on
  // their other connection (1), serve one (99). 2: fetch + announce to 3, serves nobody.
  // 3: fetch + announce to 2 and 5, serves 5. 5: fetch, nobody else to tell.
  assert.deepEqual(six(m.bytes), [200, 110, 11, 111, 110, 10])
})

test('a member that left unnoticed relays nothing: the message goes round it', () => {
  const sim = graph()
  sim.leave(4)
  const m = sim.send(0)
  sim.runUntil(100)
  assert.deepEqual(six(m.hops), [0, 1, 2, 3, -1, 4])
  assert.deepEqual(six(m.at).slice(0, 4), [0, 10, 15, 20])
  assert.ok(Number.isNaN(m.at[4]))
  assert.equal(m.at[5], 25)
})

test('a member with no connection at send time catches up when one opens', () => {
  const sim = new OverlaySim(DEFAULT_RULES, COSTS, 1, 4)
  for (let i = 0; i < 3; i++) sim.add(false)
  sim.connect(0, 1)
  const m = sim.send(0)
  sim.runUntil(100)
  assert.ok(Number.isNaN(m.at[2]))
  sim.connect(1, 2)
  sim.runUntil(200)
  assert.equal(m.at[2], 105)
  assert.equal(m.hops[2], 2)
})

test('under churn no member ever holds more than the cap, and connections are mutual', () => {
  for (const evictAtCap of [false, true]) {
    const rules = { ...DEFAULT_RULES, evictAtCap, cap: 5, dialTarget: 4 }
    const sim = new OverlaySim(rules, { ...COSTS, connectMs: [20, 80, 300] }, 7, 64)
    for (let i = 0; i < 40; i++) sim.add()
    for (let t = 0; t < 120_000; t += 250) {
      if (sim.random() < 0.2) {
        sim.leave(sim.pick(sim.onlineMembers()))
        sim.add()
      }
      sim.runUntil(t)
      for (let id = 0; id < sim.size; id++) {
        assert.ok(sim.adj[id].size <= rules.cap, `member ${id} holds ${sim.adj[id].size}`)
        for (const peer of sim.adj[id]) assert.ok(sim.adj[peer].has(id))
      }
    }
    // The mesh healed: every online member is back to its dial target or close to it.
    const low = sim.onlineMembers().filter((id) => sim.adj[id].size < rules.dialTarget - 1)
    assert.ok(low.length <= 4, `${low.length} members below ${rules.dialTarget - 1}`)
  }
})

test('a seed gives the same run; another seed gives another', () => {
  const s = { members: 300, churnPerMinute: 0.1, messages: 3, seed: 5, warmupMs: 20_000 }
  const a = runScenario(s, { ...COSTS, relayHopMs: [3, 5, 9], connectMs: [50, 200] })
  const b = runScenario(s, { ...COSTS, relayHopMs: [3, 5, 9], connectMs: [50, 200] })
  const c = runScenario(
    { ...s, seed: 6 },
    { ...COSTS, relayHopMs: [3, 5, 9], connectMs: [50, 200] },
  )
  assert.deepEqual(a, b)
  assert.notDeepEqual(a, c)
  assert.equal(a.delivered, 1)
})

import { summarize, type Summary } from './stats'
import { DEFAULT_RULES, OverlaySim, type Costs, type MeshRules } from './overlay-sim'

// Runs the overlay model (overlay-sim.ts) for one room size and churn rate and sums up
// what each message cost: hops, delivery time, bytes, and the mesh each member holds.

export interface Scenario {
  members: number
  /** Share of the online members that drop off (and are replaced by joiners) per minute. */
  churnPerMinute: number
  messages: number
  seed: number
  /** Churn runs this long before the first message, so the mesh is in its steady state. */
  warmupMs?: number
  gapMs?: number
  /** A message counts as delivered to a member if it arrived within this long. */
  windowMs?: number
}

export interface ScenarioResult {
  members: number
  churnPerMinute: number
  hops: Summary
  deliveryMs: Summary
  /** Of the members online from send to the end of the window, the share that got it. */
  delivered: number
  /** Bytes each member sent per message: mean over members, and the 99th percentile. */
  bytesMean: number
  bytesP99: number
  /** Connections to members that are still online, per online member. */
  degree: Summary
  degreeMin: number
  /** Connections a member opens per minute (joins and repairs after churn). */
  opensPerMemberPerMinute: number
}

const WARMUP_MS = 120_000
const GAP_MS = 2_000
const WINDOW_MS = 60_000
const MINUTE_MS = 60_000

/** The room as it stands after everyone joined one after another, each dialling at once. */
function build(sim: OverlaySim, members: number): void {
  for (let i = 0; i < members; i++) {
    const id = sim.add(false)
    for (let tries = 0; sim.adj[id].size < sim.rules.dialTarget && tries < 64 && i > 0; tries++)
      sim.offer(id, sim.pick(sim.onlineMembers()))
  }
  for (const id of sim.onlineMembers()) sim.maintain(id)
}

function churn(sim: OverlaySim, perMinute: number, members: number): void {
  const perMs = (perMinute * members) / MINUTE_MS
  const next = () => {
    // Exponential gaps: departures are a Poisson process at `perMinute` of the room a minute.
    sim.at(sim.now - Math.log(1 - sim.random()) / perMs, () => {
      sim.leave(sim.pick(sim.onlineMembers()))
      sim.add()
      next()
    })
  }
  if (perMinute > 0) next()
}

export function runScenario(
  s: Scenario,
  costs: Costs,
  rules: MeshRules = DEFAULT_RULES,
): ScenarioResult {
  const warmupMs = s.churnPerMinute > 0 ? (s.warmupMs ?? WARMUP_MS) : 1_000
  const gapMs = s.gapMs ?? GAP_MS
  const windowMs = s.windowMs ?? WINDOW_MS
  const sim = new OverlaySim(rules, costs, s.seed, s.members * 2)
  build(sim, s.members)
  churn(sim, s.churnPerMinute, s.members)
  sim.runUntil(warmupMs)
  const opens0 = sim.connections
  for (let k = 0; k < s.messages; k++) {
    sim.runUntil(warmupMs + k * gapMs)
    sim.send(sim.pick(sim.onlineMembers()), windowMs)
  }
  const end = warmupMs + (s.messages - 1) * gapMs + windowMs
  sim.runUntil(end)
  const minutes = (end - warmupMs) / MINUTE_MS
  const hops: number[] = []
  const delays: number[] = []
  const perMember = new Float64Array(sim.size)
  let eligible = 0
  let got = 0
  for (const m of sim.messages) {
    for (let id = 0; id < sim.size; id++) {
      perMember[id] += m.bytes[id] / s.messages
      if (id === m.source || sim.joinedAt[id] > m.sentAt || !sim.alive[id]) continue
      eligible++
      if (Number.isNaN(m.at[id]) || m.at[id] - m.sentAt > windowMs) continue
      got++
      hops.push(m.hops[id])
      delays.push(m.at[id] - m.sentAt)
    }
  }
  const online = sim.onlineMembers()
  // Members online for every message: one who joined midway sent nothing for the first ones.
  const sent = summarize(
    online.filter((id) => sim.joinedAt[id] <= warmupMs).map((id) => perMember[id]),
  )
  const live = online.map((id) => [...sim.adj[id]].filter((p) => sim.alive[p]).length)
  return {
    members: s.members,
    churnPerMinute: s.churnPerMinute,
    hops: summarize(hops),
    deliveryMs: summarize(delays),
    delivered: eligible ? got / eligible : NaN,
    bytesMean: sent.mean,
    bytesP99: sent.p99,
    degree: summarize(live),
    degreeMin: Math.min(...live),
    opensPerMemberPerMinute: ((sim.connections - opens0) * 2) / s.members / minutes,
  }
}

import { fileURLToPath } from 'node:url'
import { size, type BenchContext, type Benchmark } from './lib/context'
import { measureCores, measureHops, type CoreCosts } from './lib/overlay-costs'
import { runScenario, type ScenarioResult } from './lib/overlay-model'
import { DEFAULT_RULES, type MeshRules } from './lib/overlay-sim'
import { meshTarget } from '../src/core/net/mesh'
import { removeTempDirs, testnet, type Bootstrap } from './lib/net'
import { le, result, type Result } from './lib/result'
import { summarize } from './lib/stats'
import { spawnWorker } from './lib/worker'

// A model for what one machine cannot hold: a room of 1,000 and 10,000 members on a bounded
// mesh (the engine dials 3 and accepts to 8; dialing to 6 is modelled beside it), with and without 10% of the members replaced every
// minute. First the real engine is measured in this run (lib/overlay-costs.ts): a chain of
// three engines gives the direct and the relay hop, a triangle the bytes of a link a block
// did not cross, fresh joins the time to a room channel, and a fresh process the memory of
// a core and of a replication session. Then the seeded model (lib/overlay-sim.ts) spreads
// messages over the mesh with those figures. Every member writes (a profile entry on its
// first join), so a member holds one core per member of the room and replicates each of
// them on each of its connections.

const SELF = fileURLToPath(import.meta.url)
const SEED = 11
/** The memory each engine may use (the 64-engine target in bench/scale.ts). */
const BUDGET_MIB = 15
const KiB = 1024

export const worker = {
  measureCores: (bootstrap: Bootstrap, cores: number) => measureCores(bootstrap, cores),
  close: () => removeTempDirs(),
}

async function coresInChild(bootstrap: Bootstrap, cores: number): Promise<CoreCosts> {
  const child = spawnWorker(SELF, { callTimeoutMs: 300_000 })
  try {
    return await child.call<CoreCosts>('measureCores', bootstrap, cores)
  } finally {
    await child.close()
  }
}

const ms = (v: number) => `${v.toFixed(1)} ms`

function scenarioRows(r: ScenarioResult, label: string, mem: CoreCosts, modelMs: number): Result[] {
  const name = `overlay ${r.members.toLocaleString('en')} members, ${label}`
  const cores = r.members
  const memMiB = (deg: number) => (cores * mem.coreKiB + cores * deg * mem.sessionKiB) / KiB
  const common = `delivered to ${(r.delivered * 100).toFixed(2)}% within 60 s; peers per member p50 ${r.degree.p50}, min ${r.degreeMin}, max ${r.degree.max}; ${r.opensPerMemberPerMinute.toFixed(2)} connections opened per member per minute; model ${(modelMs / 1000).toFixed(1)} s`
  return [
    result({ name: `${name}: hops p50`, value: r.hops.p50, unit: 'hops', note: common }),
    result({
      name: `${name}: hops p99`,
      value: r.hops.p99,
      unit: 'hops',
      note: `max ${r.hops.max}`,
    }),
    result({ name: `${name}: delivery p50`, value: r.deliveryMs.p50, unit: 'ms' }),
    result({
      name: `${name}: delivery p99`,
      value: r.deliveryMs.p99,
      unit: 'ms',
      note: `max ${ms(r.deliveryMs.max)}`,
    }),
    result({
      name: `${name}: bytes sent per member per message`,
      value: r.bytesMean,
      unit: 'B',
      note: `mean over members; p99 member ${r.bytesP99.toFixed(0)} B`,
    }),
    result({
      name: `${name}: replication sessions per member`,
      value: r.degree.p50 * cores,
      unit: 'sessions',
      note: `${cores.toLocaleString('en')} cores per member (one per writer, every member writes) × peers p50 ${r.degree.p50}; the p99 member holds ${(r.degree.p99 * cores).toLocaleString('en')}`,
    }),
    result({
      name: `${name}: memory for cores and sessions per member`,
      value: memMiB(r.degree.p50),
      unit: 'MiB',
      target: le(BUDGET_MIB),
      note: `${cores} × ${mem.coreKiB.toFixed(1)} KiB + ${cores} × ${r.degree.p50} × ${mem.sessionKiB.toFixed(1)} KiB; a new connection syncs ${cores} cores ≈ ${((cores * mem.syncBytesPerCore) / KiB / KiB).toFixed(1)} MiB, ${((r.opensPerMemberPerMinute * cores * mem.syncBytesPerCore) / KiB / KiB).toFixed(1)} MiB a minute per member`,
    }),
  ]
}

async function run(ctx: BenchContext): Promise<Result[]> {
  const messages = size(ctx, 300, 40)
  const warmup = size(ctx, 20, 5)
  const joins = size(ctx, 12, 4)
  const cores = size(ctx, 512, 128)
  const sizes = size(ctx, [1_000, 10_000], [1_000])
  const modelMessages = size(ctx, 20, 5)
  const net = await testnet()
  try {
    ctx.log(`real engine: chain and triangle, ${messages} messages each; ${joins} joins`)
    const hop = await measureHops(net.bootstrap, messages, warmup, joins)
    ctx.log(`real corestore: ${cores} cores opened and replicated (fresh process)`)
    const mem = await coresInChild(net.bootstrap, cores)
    const first = summarize(hop.firstHopMs)
    const relay = summarize(hop.relayHopMs)
    const connect = summarize(hop.connectMs)
    const rows: Result[] = [
      result({
        name: 'overlay input: one hop (send → direct peer) p50',
        value: first.p50,
        unit: 'ms',
        note: `p99 ${ms(first.p99)}, max ${ms(first.max)}; ${first.n} messages on a chain of 3 engines`,
      }),
      result({
        name: 'overlay input: relay hop (peer → its peer) p50',
        value: relay.p50,
        unit: 'ms',
        note: `p99 ${ms(relay.p99)}, max ${ms(relay.max)}; the middle engine of the chain serves the block it just fetched`,
      }),
      result({
        name: 'overlay input: join → room channel p50',
        value: connect.p50,
        unit: 'ms',
        note: `p99 ${ms(connect.p99)}, ${connect.n} joins on loopback`,
      }),
      result({
        name: 'overlay input: bytes per message on a link the block crossed',
        value: hop.dataSendBytes,
        unit: 'B',
        note: `from the side that had it; ${hop.dataReplyBytes.toFixed(0)} B back; UDX bytes incl. headers`,
      }),
      result({
        name: 'overlay input: bytes per message and side on a link it did not cross',
        value: hop.announceBytes,
        unit: 'B',
      }),
      result({
        name: 'overlay input: RSS per open writer core',
        value: mem.coreKiB,
        unit: 'KiB',
        note: `JS heap ${mem.coreHeapKiB.toFixed(1)} KiB; ${mem.cores} cores opened by key in one corestore`,
      }),
      result({
        name: 'overlay input: RSS per replication session',
        value: mem.sessionKiB,
        unit: 'KiB',
        note: `JS heap ${mem.sessionHeapKiB.toFixed(1)} KiB; ${mem.cores} cores on one connection, both sides; ${mem.syncBytesPerCore.toFixed(0)} B on the wire per core to open it and fetch one block`,
      }),
    ]
    const costs = { ...hop }
    // The engine's rule (src/core/net/mesh.ts) first, then the first rule tried, which made
    // a long thin mesh, and that rule with eviction at the cap.
    const engine = { ...DEFAULT_RULES, dialTarget: meshTarget(DEFAULT_RULES.cap) }
    const variants: Array<[string, MeshRules]> = [
      [`dial ${engine.dialTarget} / cap ${engine.cap} (the engine)`, engine],
      ['dial 6 / cap 8', DEFAULT_RULES],
      [
        'dial 6 / cap 8, full members drop a peer with spare links',
        { ...DEFAULT_RULES, evictAtCap: true },
      ],
    ]
    for (const members of sizes)
      for (const [rulesLabel, rules] of variants)
        for (const churn of [0, 0.1]) {
          const label = `${rulesLabel}, ${churn ? `${churn * 100}% churn a minute` : 'no churn'}`
          ctx.log(`model: ${members} members, ${label}`)
          const t0 = performance.now()
          const r = runScenario(
            { members, churnPerMinute: churn, messages: modelMessages, seed: SEED },
            costs,
            rules,
          )
          rows.push(...scenarioRows(r, label, mem, performance.now() - t0))
        }
    // Where one core per writer stops fitting: cores and sessions alone fill the budget.
    const perMemberKiB = mem.coreKiB + DEFAULT_RULES.cap * mem.sessionKiB
    rows.push(
      result({
        name: 'overlay: room size at which per-writer cores fill 15 MiB',
        value: Math.floor((BUDGET_MIB * KiB) / perMemberKiB),
        unit: 'members',
        note: `each member holds one core per member and one session per core per connection: ${mem.coreKiB.toFixed(1)} + ${DEFAULT_RULES.cap} × ${mem.sessionKiB.toFixed(1)} KiB per member of the room, engine itself not counted`,
      }),
    )
    return rows
  } finally {
    await net.destroy()
    await removeTempDirs()
  }
}

export const benchmark: Benchmark = {
  name: 'overlay',
  title:
    'Room overlay model at 1,000 and 10,000 members, fed with hop and core costs measured here',
  run,
}

import { fileURLToPath } from 'node:url'
import { PAGE, bundleEngine, openEngine, type EngineOpen } from './lib/startup-open'
import { size, text200, type BenchContext, type Benchmark } from './lib/context'
import { connectedPair, ownBlocks } from './lib/engines'
import { removeTempDirs, sleep, testnet, type Bootstrap } from './lib/net'
import { le, result, type Result } from './lib/result'
import { median } from './lib/stats'
import { spawnWorker } from './lib/worker'

// Start-up with a big history. Prepared once per run and size: two members in a room
// write N messages between them, each send() awaited (one block per message, as people
// type), alternating like a conversation; the member being timed holds both cores, then
// both close. Each trial is a fresh process running the engine bundled as the app ships
// it (lib/cold-open.mjs): the headline is its cold open, from before importing the engine
// to the newest page (`new LinkupNode`, `ready()`,
// `history(room, { limit: 50 })`); warm opens in the same process are context. Two sizes
// in the same run show whether start-up time and memory (peak RSS, and the heap after a
// full collection with the room open) grow with the history.
// Baseline: a fresh process importing corestore, opening that folder, both cores by key,
// and reading the last 50 blocks of each.

const OPEN = fileURLToPath(new URL('./lib/startup-open.ts', import.meta.url))
const WARM_OPENS = 3
const PREPARE_TIMEOUT_MS = 180_000

async function prepare(bootstrap: Bootstrap, total: number, ctx: BenchContext) {
  const { a, b, room } = await connectedPair(bootstrap)
  let closed = false
  try {
    let arrived = 0
    a.on('entry:added', (item) => item.kind === 'text' && arrived++)
    const t0 = performance.now()
    await Promise.all(
      [a, b].map(async (node, n) => {
        for (let i = n; i < total; i += 2) await node.send(room, text200(i))
      }),
    )
    const deadline = performance.now() + PREPARE_TIMEOUT_MS
    while (arrived < total && performance.now() < deadline) await sleep(20)
    if (arrived < total) throw new Error(`the timed member holds ${arrived}/${total} messages`)
    const keys = [a.memberKey(room), b.memberKey(room)]
    const blocks = ownBlocks(a, room) + ownBlocks(b, room)
    ctx.log(
      `prepared ${total} messages in ${blocks} blocks in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )
    const storage = a.storage
    await Promise.all([a.close(), b.close()])
    closed = true
    return { storage, keys, blocks }
  } finally {
    if (!closed) await Promise.all([a.close(), b.close()])
  }
}

async function measure(
  bundle: string,
  bootstrap: Bootstrap,
  total: number,
  runs: number,
  ctx: BenchContext,
) {
  const { storage, keys, blocks } = await prepare(bootstrap, total, ctx)
  const engine: EngineOpen[] = []
  const plain: number[] = []
  for (let r = 0; r < runs; r++) {
    engine.push(await openEngine(bundle, storage, bootstrap, WARM_OPENS))
    const child = spawnWorker(OPEN, { callTimeoutMs: 60_000 })
    try {
      plain.push((await child.call<{ ms: number }>('openPlain', storage, keys)).ms)
    } finally {
      await child.close()
    }
  }
  return { total, blocks, engine, plain }
}

type Measured = Awaited<ReturnType<typeof measure>>

const heaps = (m: Measured) => m.engine.map((t) => t.heapMiB ?? NaN)

function rows(m: Measured, headline: boolean): Result[] {
  const cold = m.engine.map((t) => t.cold.ms)
  const warm = m.engine.flatMap((t) => t.warmMs)
  const ms = (v: number) => v.toFixed(0)
  const name = `start-up, ${m.total} msgs stored`
  return [
    result({
      name: `${name} (cold, fresh process)`,
      runs: cold,
      unit: 'ms',
      baseline: `bare corestore, fresh process: import + open + last ${PAGE} blocks per core`,
      baseline_value: median(m.plain),
      target: headline ? le(500) : undefined,
      note: `${m.blocks} blocks (one per message) from 2 writers; fresh processes: ${cold.map(ms).join(', ')} ms, of which module loading ${ms(median(m.engine.map((t) => t.cold.importMs)))} ms and ready() ${ms(median(m.engine.map((t) => t.cold.readyMs)))} ms (medians)`,
    }),
    result({
      name: `${name} (warm, modules loaded)`,
      runs: warm,
      unit: 'ms',
      note: `context: ${WARM_OPENS} more opens after the cold one in each process`,
    }),
    result({
      name: `start-up peak RSS, ${m.total} msgs stored`,
      runs: m.engine.map((t) => t.peakMiB),
      unit: 'MiB',
      note: 'peak RSS of the opening process (cold and warm opens)',
    }),
    result({
      name: `start-up heap after GC, ${m.total} msgs stored`,
      runs: heaps(m),
      unit: 'MiB',
      note: 'heap used after a full collection, the room open with its newest page (after the cold open)',
    }),
  ]
}

async function run(ctx: BenchContext): Promise<Result[]> {
  const large = size(ctx, 100_000, 2_000)
  const small = size(ctx, 10_000, 500)
  const runs = size(ctx, 5, 3)
  const bundle = await bundleEngine()
  const net = await testnet()
  try {
    const big = await measure(bundle, net.bootstrap, large, runs, ctx)
    const little = await measure(bundle, net.bootstrap, small, runs, ctx)
    const growth = (pick: (m: Measured) => number) => (pick(big) / pick(little)).toFixed(2)
    const out = [...rows(big, true), ...rows(little, false)]
    const note = `${large / small}× the messages: cold open ${growth((m) => median(m.engine.map((t) => t.cold.ms)))}×, peak RSS ${growth((m) => median(m.engine.map((t) => t.peakMiB)))}×, heap after GC ${growth((m) => median(heaps(m)))}×`
    const rss = out.find((r) => r.name.startsWith(`start-up peak RSS, ${large}`))!
    rss.note = `${rss.note}; ${note}`
    return out
  } finally {
    await net.destroy()
    await removeTempDirs()
  }
}

export const benchmark: Benchmark = {
  name: 'startup',
  title: 'Start-up of an engine holding 100,000 messages, to the newest page',
  run,
}

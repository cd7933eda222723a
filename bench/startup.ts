import { fileURLToPath } from 'node:url'
import { PAGE } from './lib/startup-open'
import { size, text200, type BenchContext, type Benchmark } from './lib/context'
import { connectedPair, ownBlocks } from './lib/engines'
import { removeTempDirs, sleep, testnet, type Bootstrap } from './lib/net'
import { le, result, type Result } from './lib/result'
import { median } from './lib/stats'
import { spawnWorker } from './lib/worker'

// Start-up with a big history. Prepared once per run: two members in a room write N
// messages between them (send() in bursts of BURST, so ~N/BURST blocks), the member
// being timed holds both cores, then both close. Each timed open is a fresh process:
// new LinkupNode + ready() + history(room, { limit: 50 }), module loading excluded
// (reported in the note). Baseline: the same process opening the bare corestore in
// that folder, both cores by key, and reading the last 50 blocks of each.

const OPEN = fileURLToPath(new URL('./lib/startup-open.ts', import.meta.url))
const BURST = 10

async function prepare(bootstrap: Bootstrap, total: number, ctx: BenchContext) {
  const { a, b, room } = await connectedPair(bootstrap)
  let closed = false
  try {
    let arrived = 0
    a.on('entry:added', (item) => item.kind === 'text' && arrived++)
    const t0 = performance.now()
    // Both write at once, BURST concurrent sends each, alternating like a conversation.
    await Promise.all(
      [a, b].map(async (node, n) => {
        for (let i = n * BURST; i < total; i += 2 * BURST) {
          const burst: Promise<unknown>[] = []
          for (let j = i; j < Math.min(total, i + BURST); j++)
            burst.push(node.send(room, text200(j)))
          await Promise.all(burst)
        }
      }),
    )
    const deadline = performance.now() + 120_000
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

async function run(ctx: BenchContext): Promise<Result[]> {
  const total = size(ctx, 100_000, 2_000)
  const runs = size(ctx, 5, 1)
  const net = await testnet()
  try {
    const { storage, keys, blocks } = await prepare(net.bootstrap, total, ctx)
    const engine: Array<{ importMs: number; ms: number; readyMs: number }> = []
    const plain: number[] = []
    for (let r = 0; r < runs; r++) {
      for (const kind of ['engine', 'plain'] as const) {
        const child = spawnWorker(OPEN, { callTimeoutMs: 60_000 })
        try {
          if (kind === 'engine') engine.push(await child.call('openEngine', storage, net.bootstrap))
          else plain.push((await child.call<{ ms: number }>('openPlain', storage, keys)).ms)
        } finally {
          await child.close()
        }
      }
    }
    const times = engine.map((e) => e.ms)
    return [
      result({
        name: `start-up, ${total} msgs stored`,
        value: median(times),
        unit: 'ms',
        baseline: `bare corestore open + last ${PAGE} blocks per core`,
        baseline_value: median(plain),
        target: le(500),
        note: `median of ${runs} fresh processes: ${times.map((t) => t.toFixed(0)).join(', ')} ms (ready() ${median(engine.map((e) => e.readyMs)).toFixed(0)} ms of it); module loading ${median(engine.map((e) => e.importMs)).toFixed(0)} ms more; ${blocks} blocks from 2 writers`,
      }),
    ]
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

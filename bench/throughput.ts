import Corestore from 'corestore'
import type { TimelineEntry } from '../src/shared/types'
import { size, text200, type BenchContext, type Benchmark } from './lib/context'
import { connectedPair } from './lib/engines'
import { removeTempDirs, sleep, tempDir, testnet, type Bootstrap } from './lib/net'
import { ge, result, type Result } from './lib/result'

// Sustained throughput: one sender calls send() (signing, persisting) as fast as the
// engine takes messages, with up to WINDOW unresolved at a time; the clock stops when
// the connected peer has emitted entry:added for all N. Also reported: the same with
// every send() awaited before the next, which is what a person typing produces.
// Baseline: appending 200-byte JSON entries to a plain on-disk hypercore, each append
// awaited before the next.

const WINDOW = 1000
const DELIVERY_TIMEOUT_MS = 60_000

async function linkupRate(bootstrap: Bootstrap, n: number, window: number): Promise<number> {
  const { a, b, room } = await connectedPair(bootstrap)
  try {
    let received = 0
    let done: () => void
    const all = new Promise<void>((resolve) => (done = resolve))
    b.on('entry:added', (item: TimelineEntry) => {
      if (item.kind === 'text' && ++received === n) done()
    })
    const start = performance.now()
    // A counting window: awaiting Promise.race over the set would cost O(window) per send.
    let inflight = 0
    let failure: Error | null = null
    let wake: (() => void) | null = null
    const settled = () => {
      inflight--
      wake?.()
      wake = null
    }
    for (let i = 0; i < n && !failure; i++) {
      inflight++
      a.send(room, text200(i)).then(settled, (err) => ((failure = err), settled()))
      while (inflight >= window) await new Promise<void>((resolve) => (wake = resolve))
    }
    while (inflight > 0) await new Promise<void>((resolve) => (wake = resolve))
    if (failure) throw failure
    const timedOut = await Promise.race([
      all.then(() => false),
      sleep(DELIVERY_TIMEOUT_MS).then(() => true),
    ])
    if (timedOut) throw new Error(`peer received ${received}/${n} within ${DELIVERY_TIMEOUT_MS} ms`)
    return n / ((performance.now() - start) / 1000)
  } finally {
    await Promise.all([a.close(), b.close()])
  }
}

async function hypercoreAppends(n: number): Promise<number> {
  const store = new Corestore(await tempDir('linkup-bench-'))
  try {
    const core = store.get({ name: 'bench' })
    await core.ready()
    const start = performance.now()
    for (let i = 0; i < n; i++) {
      await core.append(
        Buffer.from(JSON.stringify({ t: 'text', h: Date.now() * 1024, text: text200(i) })),
      )
    }
    return n / ((performance.now() - start) / 1000)
  } finally {
    await store.close()
  }
}

async function run(ctx: BenchContext): Promise<Result[]> {
  const n = size(ctx, 50_000, 3_000)
  const nAwaited = size(ctx, 5_000, 300)
  const net = await testnet()
  try {
    ctx.log(`hypercore appends awaited one at a time x${nAwaited}`)
    const base = await hypercoreAppends(nAwaited)
    ctx.log(`LinkUp x${n}, up to ${WINDOW} sends in flight`)
    const rate = await linkupRate(net.bootstrap, n, WINDOW)
    ctx.log(`LinkUp x${nAwaited}, each send awaited`)
    const awaited = await linkupRate(net.bootstrap, nAwaited, 1)
    const baseline = 'hypercore append, awaited'
    return [
      result({
        name: 'throughput (to one peer)',
        value: rate,
        unit: 'msg/s',
        baseline,
        baseline_value: base,
        target: ge(10_000),
        note: `${n} messages, up to ${WINDOW} send() calls unresolved at a time, timed until the peer emitted all`,
      }),
      result({
        name: 'throughput, each send awaited',
        value: awaited,
        unit: 'msg/s',
        baseline,
        baseline_value: base,
        note: `${nAwaited} messages; no target (one block per message, like a person typing)`,
      }),
    ]
  } finally {
    await net.destroy()
    await removeTempDirs()
  }
}

export const benchmark: Benchmark = {
  name: 'throughput',
  title: 'Sustained throughput from one sender to one connected peer',
  run,
}

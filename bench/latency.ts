import type { TimelineEntry } from '../src/shared/types'
import { size, text200, type BenchContext, type Benchmark } from './lib/context'
import { connectedPair } from './lib/engines'
import { bareSwarm, connectBare, removeTempDirs, sleep, testnet, type Bootstrap } from './lib/net'
import { le, result, type Result } from './lib/result'
import { summarize, type Summary } from './lib/stats'

// Message latency: from calling send() on one engine to the entry:added event on a
// connected engine, for 200-byte texts. Two ways of sending: one message at a time
// (send, wait for arrival, repeat), and a steady 1 ms pace without waiting, which is
// where the writer batches. Baseline: round trip of a 100-byte frame between two bare
// hyperswarm peers over their secret-stream. Each LinkUp way runs RUNS times with a
// fresh pair of engines; a row is the median of the runs' percentiles, with the spread.

const WARMUP = 50
const ARRIVAL_TIMEOUT_MS = 5_000
const PACE_MS = 1
const RUNS = 3

async function linkupSequential(bootstrap: Bootstrap, n: number): Promise<number[]> {
  const { a, b, room } = await connectedPair(bootstrap)
  try {
    const arrived = new Map<string, number>()
    let waiting: { text: string; done(): void } | null = null
    b.on('entry:added', (item: TimelineEntry) => {
      arrived.set(item.text, performance.now())
      if (waiting && waiting.text === item.text) waiting.done()
    })
    const samples: number[] = []
    for (let i = 0; i < WARMUP + n; i++) {
      const text = text200(i)
      const arrival = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`message ${i} did not arrive`)),
          ARRIVAL_TIMEOUT_MS,
        )
        waiting = { text, done: () => (clearTimeout(timer), resolve()) }
      })
      const start = performance.now()
      await a.send(room, text)
      if (!arrived.has(text)) await arrival
      else arrival.catch(() => {})
      if (i >= WARMUP) samples.push(arrived.get(text)! - start)
      arrived.delete(text)
    }
    return samples
  } finally {
    await Promise.all([a.close(), b.close()])
  }
}

/** CPU µs per message of the paced run (both engines, all threads): robust to load. */
const pacedCpu: number[] = []

async function linkupPaced(bootstrap: Bootstrap, n: number): Promise<number[]> {
  const { a, b, room } = await connectedPair(bootstrap)
  try {
    const sentAt = new Map<string, number>()
    const samples: number[] = []
    let all: () => void
    const done = new Promise<void>((resolve) => (all = resolve))
    b.on('entry:added', (item: TimelineEntry) => {
      const start = sentAt.get(item.text)
      if (start === undefined) return
      samples.push(performance.now() - start)
      if (samples.length === n) all()
    })
    const sends: Promise<unknown>[] = []
    const cpu0 = process.cpuUsage()
    for (let i = 0; i < n; i++) {
      const text = text200(i)
      sentAt.set(text, performance.now())
      sends.push(a.send(room, text))
      await sleep(PACE_MS)
    }
    await Promise.all(sends)
    await Promise.race([done, sleep(ARRIVAL_TIMEOUT_MS)])
    if (samples.length < n) throw new Error(`only ${samples.length}/${n} paced messages arrived`)
    const cpu = process.cpuUsage(cpu0)
    pacedCpu.push((cpu.user + cpu.system) / n)
    return samples
  } finally {
    await Promise.all([a.close(), b.close()])
  }
}

async function bareRoundTrips(bootstrap: Bootstrap, n: number): Promise<number[]> {
  const [sa, sb] = [bareSwarm(bootstrap), bareSwarm(bootstrap)]
  try {
    const { ab, ba } = await connectBare(sa, sb)
    // b echoes every frame; a waits for each echo before sending the next.
    ab.on('data', (frame: Buffer) => ab.write(frame))
    const frame = Buffer.alloc(100, 7)
    const samples: number[] = []
    for (let i = 0; i < WARMUP + n; i++) {
      const start = performance.now()
      const echo = new Promise<void>((resolve) => ba.once('data', () => resolve()))
      ba.write(frame)
      await echo
      if (i >= WARMUP) samples.push(performance.now() - start)
    }
    return samples
  } finally {
    await Promise.all([sa.destroy(), sb.destroy()])
  }
}

async function run(ctx: BenchContext): Promise<Result[]> {
  const n = size(ctx, 5000, 200)
  const runs = size(ctx, RUNS, 1)
  const net = await testnet()
  try {
    ctx.log(`bare round trips x${n}`)
    const bare = summarize(await bareRoundTrips(net.bootstrap, n))
    const seq: Summary[] = []
    const paced: Summary[] = []
    for (let r = 0; r < runs; r++) {
      ctx.log(`LinkUp send -> wait x${n} (run ${r + 1} of ${runs})`)
      seq.push(summarize(await linkupSequential(net.bootstrap, n)))
      ctx.log(`LinkUp paced every ${PACE_MS} ms x${n} (run ${r + 1} of ${runs})`)
      paced.push(summarize(await linkupPaced(net.bootstrap, n)))
    }
    const baseline = 'bare secret-stream RTT, 100 B'
    const row = (name: string, values: number[], base: number, target: number, note: string) =>
      result({
        name,
        runs: values,
        unit: 'ms',
        baseline,
        baseline_value: base,
        target: le(target),
        note,
      })
    const max = (all: Summary[]) => Math.max(...all.map((s) => s.max)).toFixed(1)
    const seqNote = `${n} messages sent one at a time, ${runs} runs; max ${max(seq)} ms`
    const pacedNote = `${n} messages, one every ${PACE_MS} ms without waiting, ${runs} runs; max ${max(paced)} ms; process CPU per message ${pacedCpu.map((c) => c.toFixed(0)).join(', ')} µs`
    return [
      row(
        'latency p50 (send→wait)',
        seq.map((s) => s.p50),
        bare.p50,
        2,
        seqNote,
      ),
      row(
        'latency p99 (send→wait)',
        seq.map((s) => s.p99),
        bare.p99,
        10,
        seqNote,
      ),
      row(
        'latency p50 (1 ms pace)',
        paced.map((s) => s.p50),
        bare.p50,
        2,
        pacedNote,
      ),
      row(
        'latency p99 (1 ms pace)',
        paced.map((s) => s.p99),
        bare.p99,
        10,
        pacedNote,
      ),
    ]
  } finally {
    await net.destroy()
    await removeTempDirs()
  }
}

export const benchmark: Benchmark = {
  name: 'latency',
  title: 'Message latency: send() on one engine to entry:added on a connected engine',
  run,
}

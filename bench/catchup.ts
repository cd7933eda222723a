import { fileURLToPath } from 'node:url'
import Corestore from 'corestore'
import type { LinkupNode } from '../src/core/node'
import type { TimelineEntry } from '../src/shared/types'
import { size, text200, type BenchContext, type Benchmark } from './lib/context'
import { makeNode, ownBlocks, waitPeers } from './lib/engines'
import { bareSwarm, removeTempDirs, sleep, tempDir, testnet, type Bootstrap } from './lib/net'
import { heapMiB, peakRssMiB, resetPeakRss, settle } from './lib/memory'
import { le, result, type Result } from './lib/result'
import { median } from './lib/stats'
import { spawnWorker } from './lib/worker'

// Catch-up: three writers send N messages between them while a fourth member is
// away; then it joins, in its own process. LinkUp and the baseline are timed from the
// same moment, the reader swarm's first raw connection (before any room handshake):
// when has it emitted entry:added for all N, and for the newest 50 by timeline order?
// Each figure is the median of READERS fresh reader processes on the same written room,
// and the awaited case is also run at LARGER times the size (also READERS readers: a change
// in fetch order once made it slower there alone), so the reader's peak RSS and
// its heap after a full collection (all caught up, room still open) at two sizes show
// whether catch-up memory grows with the history.
// Written two ways: each send() awaited (one block per message, like people typing)
// and all sends fired at once (the engine batches them into few blocks).
// Baseline: a fresh plain hypercore reader of one core with N blocks of the same
// JSON: the newest 50 blocks fetched first, then the whole core downloaded and read.
// The writers' DHT nodes are marked reachable like the baseline's serving swarm, so both
// readers dial directly; the note gives how long the room handshake took.

const SELF = fileURLToPath(import.meta.url)
const WRITERS = 3
const NEWEST = 50
const CONNECT_TIMEOUT_MS = 30_000
const CATCHUP_TIMEOUT_MS = 60_000
const READ_CHUNK = 512
const READERS = 3
/** The second size for memory: this many times the messages, one reader (context). */
const LARGER = 4

type Mode = 'awaited' | 'concurrent'

// ---- the late reader, inside a worker process ----

/**
 * CPU time the reader's process used (all threads), ms: on a loaded machine wall time
 * mostly measures the wait for a core, CPU time what the catch-up itself costs.
 */
function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

let reader: LinkupNode | null = null
let plain: { store: any; swarm: any } | null = null

async function linkupCatchup(bootstrap: Bootstrap, room: string, total: number, newest: string[]) {
  reader = await makeNode(bootstrap)
  const node = reader
  resetPeakRss()
  const cpu0 = process.cpuUsage()
  const want = new Set(newest)
  let count = 0
  let connectedAt = 0
  let channelAt = 0
  let newestAt = 0
  let allAt = 0
  let finish: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))
  // The raw connection, as the baseline's clock: the room handshake is part of catch-up.
  node.swarm.on('connection', () => (connectedAt ||= performance.now()))
  // The room handshake done on a first connection: what is left is fetching.
  node.on('peer:connected', () => (channelAt ||= performance.now()))
  node.on('entry:added', (item: TimelineEntry) => {
    if (item.kind !== 'text') return
    count++
    if (want.delete(item.id) && want.size === 0) newestAt = performance.now()
    if (count === total) {
      allAt = performance.now()
      finish()
    }
  })
  const joinedAt = performance.now()
  let heap = 0
  let peak = 0
  try {
    await node.joinRoom(room)
    await Promise.race([finished, sleep(CONNECT_TIMEOUT_MS + CATCHUP_TIMEOUT_MS)])
    peak = peakRssMiB()
    // What the caught-up room keeps (outside the timed window).
    await settle()
    heap = heapMiB()
  } finally {
    await node.close()
    reader = null
  }
  if (!connectedAt) throw new Error('the late reader never connected')
  if (!allAt) throw new Error(`the late reader had ${count}/${total} entries when it gave up`)
  return {
    connectMs: connectedAt - joinedAt,
    allMs: allAt - connectedAt,
    newestMs: newestAt - connectedAt,
    channelMs: channelAt - connectedAt,
    peakMiB: peak,
    heapMiB: heap,
    cpuMs: cpuMs(cpu0),
  }
}

async function plainCatchup(bootstrap: Bootstrap, key: string) {
  const store = new Corestore(await tempDir('linkup-bench-'))
  const swarm = bareSwarm(bootstrap)
  plain = { store, swarm }
  resetPeakRss()
  const cpu0 = process.cpuUsage()
  const core = store.get({ key: Buffer.from(key, 'hex') })
  await core.ready()
  const connected = new Promise<number>((resolve) =>
    swarm.on('connection', (conn: any) => {
      store.replicate(conn)
      resolve(performance.now())
    }),
  )
  swarm.join(core.discoveryKey, { server: false, client: true })
  const start = await connected
  await core.update({ wait: true })
  const tail: Promise<unknown>[] = []
  for (let seq = Math.max(0, core.length - NEWEST); seq < core.length; seq++)
    tail.push(core.get(seq))
  await Promise.all(tail)
  const newestMs = performance.now() - start
  await core.download({ start: 0, end: core.length }).done()
  const downloadedMs = performance.now() - start
  for (let seq = 0; seq < core.length; seq += READ_CHUNK) {
    const gets: Promise<Buffer>[] = []
    for (let s = seq; s < Math.min(core.length, seq + READ_CHUNK); s++) gets.push(core.get(s))
    for (const block of await Promise.all(gets)) JSON.parse(block.toString())
  }
  return {
    newestMs,
    downloadMs: downloadedMs,
    allMs: performance.now() - start,
    peakMiB: peakRssMiB(),
    cpuMs: cpuMs(cpu0),
  }
}

export const worker = {
  linkupCatchup,
  plainCatchup,
  async close() {
    await reader?.close()
    await plain?.swarm.destroy()
    await plain?.store.close()
    await removeTempDirs()
  },
}

// ---- the writers and the coordinator ----

async function waitCount(counts: number[], total: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (counts.some((c) => c < total)) {
    if (performance.now() > deadline)
      throw new Error(`writers have ${counts.join('/')} of ${total}`)
    await sleep(20)
  }
}

async function linkupRun(
  bootstrap: Bootstrap,
  total: number,
  mode: Mode,
  separate: boolean,
  readerRuns: number,
  ctx: BenchContext,
) {
  const writers: LinkupNode[] = []
  try {
    // Reachable directly, as the baseline's serving swarm is: between two processes on
    // loopback a punched connection often opens on the reader's side only, and is reaped
    // after 1 s (docs/BENCHMARKS.md); that would time loopback, not catching up.
    for (let w = 0; w < WRITERS; w++)
      writers.push(await makeNode(bootstrap, undefined, { open: true }))
    const { key: room } = await writers[0].createRoom('catch-up')
    await writers[0].swarm.flush()
    for (const w of writers.slice(1)) await w.joinRoom(room)
    for (const w of writers)
      if (!(await waitPeers(w, room, WRITERS - 1, CONNECT_TIMEOUT_MS)))
        throw new Error('writers did not mesh')
    const counts = writers.map(() => 0)
    writers.forEach((w, n) => w.on('entry:added', (item) => item.kind === 'text' && counts[n]++))
    const started = performance.now()
    const sent = await Promise.all(
      writers.map(async (w, n) => {
        const mine: TimelineEntry[] = []
        if (mode === 'awaited') {
          for (let i = n; i < total; i += WRITERS) mine.push(await w.send(room, text200(i)))
        } else {
          const all: Promise<TimelineEntry>[] = []
          for (let i = n; i < total; i += WRITERS) all.push(w.send(room, text200(i)))
          mine.push(...(await Promise.all(all)))
        }
        return mine
      }),
    )
    const writeMs = performance.now() - started
    await waitCount(counts, total, CATCHUP_TIMEOUT_MS)
    const newest = sent
      .flat()
      .sort((a, b) => (a.order < b.order ? -1 : 1))
      .slice(-NEWEST)
      .map((item) => item.id)
    const blocks = writers.reduce((sum, w) => sum + ownBlocks(w, room), 0)
    ctx.log(
      `${mode}: wrote ${total} in ${writeMs.toFixed(0)} ms (${blocks} blocks); late reader joins`,
    )
    // A quick run keeps the reader in this process: on loopback a connection between
    // two processes can take seconds to punch (see docs/BENCHMARKS.md).
    const readers: Reader[] = []
    for (let n = 0; n < readerRuns; n++) {
      if (!separate) {
        readers.push(await linkupCatchup(bootstrap, room, total, newest))
        continue
      }
      const late = spawnWorker(SELF, {
        callTimeoutMs: CONNECT_TIMEOUT_MS + CATCHUP_TIMEOUT_MS + 10_000,
      })
      try {
        readers.push(await late.call('linkupCatchup', bootstrap, room, total, newest))
      } finally {
        await late.close()
      }
    }
    return { readers, writeMs, blocks }
  } finally {
    await Promise.all(writers.map((w) => w.close()))
  }
}

type Reader = Awaited<ReturnType<typeof linkupCatchup>>
type Plain = Awaited<ReturnType<typeof plainCatchup>>

async function plainRun(bootstrap: Bootstrap, total: number, runs: number): Promise<Plain[]> {
  const store = new Corestore(await tempDir('linkup-bench-'))
  const swarm = bareSwarm(bootstrap, { open: true })
  try {
    const core = store.get({ name: 'writer' })
    await core.ready()
    const blocks: Buffer[] = []
    for (let i = 0; i < total; i++)
      blocks.push(
        Buffer.from(JSON.stringify({ t: 'text', h: Date.now() * 1024 + i, text: text200(i) })),
      )
    await core.append(blocks)
    swarm.on('connection', (conn: any) => store.replicate(conn))
    swarm.join(core.discoveryKey, { server: true, client: false })
    await swarm.flush()
    const out: Plain[] = []
    for (let n = 0; n < runs; n++) {
      const late = spawnWorker(SELF, { callTimeoutMs: CONNECT_TIMEOUT_MS + CATCHUP_TIMEOUT_MS })
      try {
        out.push(await late.call('plainCatchup', bootstrap, core.key.toString('hex')))
      } finally {
        await late.close()
      }
    }
    return out
  } finally {
    await swarm.destroy()
    await store.close()
  }
}

async function run(ctx: BenchContext): Promise<Result[]> {
  const total = size(ctx, 10_000, 600)
  const large = total * LARGER
  const runs = size(ctx, READERS, 1)
  const net = await testnet()
  const ms = (v: number) => v.toFixed(0)
  const mib = (v: number) => v.toFixed(0)
  try {
    ctx.log(`plain hypercore reader, ${total} blocks, ${runs} runs`)
    const base = await plainRun(net.bootstrap, total, runs)
    const baseAll = median(base.map((b) => b.allMs))
    const rows: Result[] = []
    let awaited: Reader[] = []
    for (const mode of ['awaited', 'concurrent'] as Mode[]) {
      const r = await linkupRun(net.bootstrap, total, mode, !ctx.quick, runs, ctx)
      const how = mode === 'awaited' ? 'each send awaited' : 'sends fired at once'
      const all = r.readers.map((x) => x.allMs)
      const connect = r.readers.map((x) => ms(x.connectMs)).join(', ')
      const where = ctx.quick ? "the writers' process (quick run)" : 'its own process'
      const cpu = ms(median(r.readers.map((x) => x.cpuMs)))
      const channel = r.readers.map((x) => ms(x.channelMs)).join(', ')
      const note = `${WRITERS} writers, ${how} (writing took ${(r.writeMs / 1000).toFixed(1)} s, ${r.blocks} blocks); reader in ${where}, timed from its first raw connection like the baseline; first connection ${connect} ms after joinRoom, first room channel open ${channel} ms after it; reader CPU ${cpu} ms (median, all threads, joinRoom to the end)`
      rows.push(
        result({
          name: `catch-up ${total} msgs (${how})`,
          runs: all,
          unit: 'ms',
          baseline: 'plain hypercore reader, download + read',
          baseline_value: baseAll,
          target: le(1000),
          note:
            mode === 'awaited'
              ? `${note}; baseline (median of ${runs}): download ${ms(median(base.map((b) => b.downloadMs)))} ms of ${ms(baseAll)} ms, reader CPU ${ms(median(base.map((b) => b.cpuMs)))} ms`
              : note,
        }),
        result({
          name: `catch-up newest ${NEWEST} (${how})`,
          runs: r.readers.map((x) => x.newestMs),
          unit: 'ms',
          baseline: `plain hypercore reader, last ${NEWEST} blocks`,
          baseline_value: median(base.map((b) => b.newestMs)),
          target: le(300),
        }),
      )
      if (mode === 'awaited') awaited = r.readers
    }
    // Memory at a second size, same layout: flat means the reader's peak and what it
    // keeps do not grow with the number of messages it catches up on.
    const big = await linkupRun(net.bootstrap, large, 'awaited', !ctx.quick, runs, ctx)
    const peakOf = (rs: Reader[]) => median(rs.map((x) => x.peakMiB))
    const heapOf = (rs: Reader[]) => median(rs.map((x) => x.heapMiB))
    rows.push(
      result({
        name: `catch-up ${large} msgs (each send awaited)`,
        runs: big.readers.map((x) => x.allMs),
        unit: 'ms',
        note: `context: the same at ${LARGER}× the size (for its memory); newest ${NEWEST} after ${big.readers.map((x) => ms(x.newestMs)).join(', ')} ms`,
      }),
      result({
        name: `catch-up reader peak RSS, ${total} msgs`,
        runs: awaited.map((x) => x.peakMiB),
        unit: 'MiB',
        baseline: 'plain hypercore reader',
        baseline_value: median(base.map((b) => b.peakMiB)),
        note: `late reader, each send awaited; at ${large} msgs: ${mib(peakOf(big.readers))} MiB (${(peakOf(big.readers) / peakOf(awaited)).toFixed(2)}×)`,
      }),
      result({
        name: `catch-up reader heap after GC, ${total} msgs`,
        runs: awaited.map((x) => x.heapMiB),
        unit: 'MiB',
        note: `heap used after a full collection, all caught up and the room still open; at ${large} msgs: ${mib(heapOf(big.readers))} MiB (${(heapOf(big.readers) / heapOf(awaited)).toFixed(2)}×)`,
      }),
    )
    return rows
  } finally {
    await net.destroy()
    await removeTempDirs()
  }
}

export const benchmark: Benchmark = {
  name: 'catchup',
  title: 'Catch-up of a member who missed messages from three writers',
  run,
}

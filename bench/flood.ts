import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { LinkupNode } from '../src/core/node'
import { encodeBlock, type Entry } from '../src/shared/entries'
import { MAX_ENTRIES_PER_BLOCK } from '../src/shared/limits'
import type { TimelineEntry } from '../src/shared/types'
import { size, type BenchContext, type Benchmark } from './lib/context'
import { makeNode, waitPeers } from './lib/engines'
import { peakRssMiB, resetPeakRss, settle } from './lib/memory'
import { removeTempDirs, sleep, tempDir, testnet, type Bootstrap } from './lib/net'
import { le, result, type Result } from './lib/result'
import { summarize } from './lib/stats'
import { spawnWorker } from './lib/worker'

// A hostile member floods a room: it appends 200,000 messages, in full blocks, as fast as
// its core takes them, while an honest member (Bob) sends one message every PING_MS. The
// honest receiver runs in a process of its own, with its quotas on as every user has
// them; when they pause the flood, it lets the flood in (the worst case for its memory).
// Reported beside the same receiver's figures while only Bob talks: its peak RSS, its
// event-loop delay p99, and how long Bob's messages take to arrive.

const SELF = fileURLToPath(import.meta.url)
const PING_MS = 250
const IDLE_PINGS = 20
const FLOOD_LIMIT_MS = 240_000
const MILLION = 1_000_000
const SEARCH_SETTLE_MS = 10_000

// ---- the receiver, in a worker process ----

let receiver: LinkupNode | null = null
let mallory: LinkupNode | null = null
let histogram: IntervalHistogram | null = null
let flood = 0
let paused = false

function notify(event: string, data: unknown): void {
  process.send?.({ type: 'event', event, data })
}

export const worker = {
  async open(bootstrap: Bootstrap, room: string): Promise<void> {
    receiver = new LinkupNode({
      storage: await tempDir('linkup-bench-'),
      bootstrap,
      host: '127.0.0.1',
    })
    await receiver.ready()
    receiver.on('entry:added', (item: TimelineEntry) => {
      if (item.text.startsWith('flood ')) flood++
      else if (item.text.startsWith('ping ')) notify('ping', { text: item.text, at: Date.now() })
    })
    receiver.on('member:paused', () => (paused = true))
    await receiver.joinRoom(room)
    if (!(await waitPeers(receiver, room, 2, 30_000))) throw new Error('receiver found no peers')
  },
  /** Starts a phase: peak RSS and event-loop delay count from here. */
  async watch(): Promise<void> {
    await settle()
    histogram?.disable()
    histogram = monitorEventLoopDelay({ resolution: 10 })
    histogram.enable()
    resetPeakRss()
  },
  async report(settled = false) {
    histogram?.disable()
    // At the end of a phase: the heap that stays after a full collection.
    // The search index catches up once the room is quiet for 2 s: let it, so it counts.
    if (settled) await sleep(SEARCH_SETTLE_MS).then(() => settle())
    return {
      heap: settled ? process.memoryUsage().heapUsed / 2 ** 20 : 0,
      peakRss: peakRssMiB(),
      loopP99: (histogram?.percentile(99) ?? 0) / 1e6,
      loopMax: (histogram?.max ?? 0) / 1e6,
      flood,
      paused,
    }
  },
  /** The flooder's side (a process of its own, so that neither Bob nor the receiver waits on it). */
  async openFlooder(bootstrap: Bootstrap, room: string): Promise<string> {
    mallory = await makeNode(bootstrap)
    await mallory.joinRoom(room)
    if (!(await waitPeers(mallory, room, 1, 30_000))) throw new Error('Mallory found no peers')
    return mallory.memberKey(room)
  },
  async flood(room: string, count: number): Promise<void> {
    await appendFlood(mallory!, room, count)
  },
  resume(room: string, key: string): boolean {
    paused = false
    return receiver?.resumeMember(room, key) ?? false
  },
  async close() {
    histogram?.disable()
    await receiver?.close()
    await mallory?.close()
    await removeTempDirs()
  },
}

// ---- the coordinator: Bob and the phases ----

async function appendFlood(node: LinkupNode, room: string, count: number): Promise<void> {
  const core = node.store.get({
    keyPair: node.identity.writerKeyPair(Buffer.from(room, 'hex')),
  })
  await core.ready()
  const perAppend = MAX_ENTRIES_PER_BLOCK * 16
  for (let n = 0; n < count; n += perAppend) {
    const blocks: Buffer[] = []
    for (let b = n; b < Math.min(count, n + perAppend); b += MAX_ENTRIES_PER_BLOCK) {
      const entries: Entry[] = []
      for (let i = b; i < Math.min(count, b + MAX_ENTRIES_PER_BLOCK); i++)
        entries.push({ t: 'text', h: node.clock.tick(), text: `flood ${i}` })
      blocks.push(Buffer.from(encodeBlock('Mallory', -1, entries)))
    }
    await core.append(blocks)
  }
  await core.close()
}

interface Phase {
  peakRss: number
  heap: number
  loopP99: number
  loopMax: number
  pings: number[]
  lost: number
  flood: number
  resumed: boolean
}

async function run(ctx: BenchContext): Promise<Result[]> {
  const total = size(ctx, 200_000, 20_000)
  const net = await testnet()
  // Bob is an honest member too: quotas on, and the flood reaches him as well.
  const bob = new LinkupNode({
    storage: await tempDir('linkup-bench-'),
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
  })
  await bob.ready()
  const child = spawnWorker(SELF, { callTimeoutMs: FLOOD_LIMIT_MS + 60_000 })
  const flooder = spawnWorker(SELF, { callTimeoutMs: FLOOD_LIMIT_MS + 60_000 })
  try {
    const { key: room } = await bob.createRoom('flood')
    await bob.swarm.flush()
    const malloryKey = await flooder.call<string>('openFlooder', net.bootstrap, room)
    await child.call('open', net.bootstrap, room)
    const arrivals = new Map<string, number>()
    child.on('ping', ({ text, at }) => arrivals.set(text, at))

    let n = 0
    const ping = async (): Promise<string> => {
      const text = `ping ${n++}`
      arrivals.delete(text)
      sentAt.set(text, Date.now())
      await bob.send(room, text)
      sendMs.push(Date.now() - sentAt.get(text)!)
      return text
    }
    const sentAt = new Map<string, number>()
    const sendMs: number[] = []
    const latencies = async (texts: string[]) => {
      const deadline = Date.now() + 10_000
      while (texts.some((t) => !arrivals.has(t)) && Date.now() < deadline) await sleep(50)
      const got = texts.filter((t) => arrivals.has(t))
      return {
        ms: got.map((t) => arrivals.get(t)! - sentAt.get(t)!),
        lost: texts.length - got.length,
      }
    }
    await latencies([await ping()]) // warm-up

    ctx.log(`idle: ${IDLE_PINGS} messages from Bob, one every ${PING_MS} ms`)
    await child.call('watch')
    const idleTexts: string[] = []
    for (let i = 0; i < IDLE_PINGS; i++) {
      idleTexts.push(await ping())
      await sleep(PING_MS)
    }
    const idleLat = await latencies(idleTexts)
    const idle: Phase = {
      ...(await child.call('report')),
      pings: idleLat.ms,
      lost: idleLat.lost,
      resumed: false,
    }

    /** Mallory appends `count` more while Bob talks, until the receiver has `reach` in all. */
    const floodPhase = async (count: number, reach: number): Promise<Phase> => {
      ctx.log(`flood: Mallory appends ${count} messages while Bob talks`)
      await child.call('watch')
      const texts: string[] = []
      let flooding = true
      const appended = flooder.call('flood', room, count).finally(() => (flooding = false))
      const started = Date.now()
      let resumed = false
      for (;;) {
        texts.push(await ping())
        await sleep(PING_MS)
        const now = await child.call<{ flood: number; paused: boolean }>('report')
        if (now.paused) {
          resumed = await child.call<boolean>('resume', room, malloryKey)
          ctx.log(`the receiver's quota paused Mallory at ${now.flood}; it lets her in`)
        }
        if ((!flooding && now.flood >= reach) || Date.now() - started > FLOOD_LIMIT_MS) break
      }
      await appended
      const lat = await latencies(texts)
      const phase: Phase = {
        ...(await child.call('report', true)),
        pings: lat.ms,
        lost: lat.lost,
        resumed,
      }
      ctx.log(`flood: ${phase.flood} of ${reach} arrived in ${Date.now() - started} ms`)
      ctx.log(`Bob's messages during the flood, ms in order: ${lat.ms.join(' ')}`)
      ctx.log(`of which Bob's own send() took: ${sendMs.slice(-lat.ms.length).join(' ')}`)
      return phase
    }
    const during = await floodPhase(total, total)
    // Flat in the size of the room: the same receiver, the room grown to 1,000,000.
    const more = size(ctx, MILLION - total, 0)
    const million = more ? await floodPhase(more, MILLION) : null

    const note = (p: Phase) =>
      `${p.flood} of ${total} flood messages in${p.resumed ? ' (quota paused it; resumed)' : ''}; ${p.pings.length} of Bob's messages timed, ${p.lost} lost`
    const i = summarize(idle.pings)
    const f = summarize(during.pings)
    return [
      result({
        name: `flood ${total}: receiver peak RSS`,
        value: during.peakRss,
        unit: 'MiB',
        baseline: 'same receiver, idle',
        baseline_value: idle.peakRss,
        note: note(during),
      }),
      ...(million
        ? [
            result({
              name: `flood to ${MILLION} in the room: receiver peak RSS`,
              value: million.peakRss,
              unit: 'MiB',
              baseline: `same receiver, flood to ${total}`,
              baseline_value: during.peakRss,
              note: `${million.flood} of ${MILLION} flood messages in; heap after a full GC: ${Math.round(during.heap)} MiB at ${total}, ${Math.round(million.heap)} MiB at ${MILLION}`,
            }),
          ]
        : []),
      result({
        name: `flood ${total}: receiver event-loop delay p99`,
        value: during.loopP99,
        unit: 'ms',
        baseline: 'same receiver, idle',
        baseline_value: idle.loopP99,
        note: `longest delay ${Math.round(during.loopMax)} ms (idle ${Math.round(idle.loopMax)} ms)`,
      }),
      result({
        name: `flood ${total}: Bob's message latency p50`,
        value: f.p50,
        unit: 'ms',
        baseline: 'same receiver, idle',
        baseline_value: i.p50,
      }),
      result({
        name: `flood ${total}: Bob's message latency p99`,
        value: during.lost ? null : f.p99,
        unit: 'ms',
        baseline: 'same receiver, idle',
        baseline_value: i.p99,
        target: le(2000),
        note: during.lost ? `${during.lost} of Bob's messages did not arrive` : undefined,
      }),
    ]
  } finally {
    await Promise.all([child.close(), flooder.close()])
    await bob.close()
    await net.destroy()
    await removeTempDirs()
  }
}

export const benchmark: Benchmark = {
  name: 'flood',
  title: 'A member floods the room: the honest receiver’s memory, event loop and latency',
  run,
}

import fs from 'node:fs/promises'
import path from 'node:path'
import Corestore from 'corestore'
import { decodeBlock, encodeBlock, type Entry } from '../src/shared/entries'
import { readLocalBlocks } from '../src/core/rooms/blocks'
import { RoomSearch } from '../src/core/search/room-search'
import { size, type BenchContext, type Benchmark } from './lib/context'
import { heapMiB } from './lib/memory'
import { removeTempDirs, tempDir } from './lib/net'
import { le, result, type Result } from './lib/result'
import { summarize } from './lib/stats'

// Full-text search (src/core/search): a room of N messages from WRITERS writer cores on
// disk, words drawn from a skewed vocabulary like real chat. Measured: building the
// FlexSearch index from the cores (cold, as on first start; 100 messages a block, and
// again from a room of one message a block, as people type), searching it (a mix of
// common, rare, two-word and three-word queries), loading the saved index after a restart,
// and the heap it takes. Baselines in the same run: reading and decoding every block
// without indexing (the floor of any build), and a linear scan of all texts in memory
// (what a search costs without an index).

const WRITERS = 4
const PER_BLOCK = 100
const WORDS_PER_MESSAGE = 12
const VOCABULARY = 20_000
const QUERIES = 200

/** A small deterministic PRNG, so every run searches the same room. */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  're',
  'tu',
  'sa',
  'ne',
  'vo',
  'di',
  'pa',
  'gu',
  'ze',
  'ri',
  'mo',
  'el',
  'an',
]
function word(n: number): string {
  let w = ''
  do {
    w += SYLLABLES[n % SYLLABLES.length]
    n = Math.floor(n / SYLLABLES.length)
  } while (n > 0)
  return w + 'x'
}

/** Zipf-like: a few words are everywhere, most are rare. */
function pick(rand: () => number): number {
  return Math.floor(VOCABULARY ** rand()) - 1
}

async function makeRoom(
  dir: string,
  n: number,
  perBlock = PER_BLOCK,
): Promise<{ store: any; cores: any[] }> {
  const store = new Corestore(dir)
  const cores: any[] = []
  const rand = prng(42)
  for (let w = 0; w < WRITERS; w++) {
    const core = store.get({ name: `writer-${w}` })
    await core.ready()
    cores.push(core)
  }
  const h0 = Date.now() * 1024
  const pending: Uint8Array[][] = cores.map(() => [])
  for (let done = 0, b = 0; done < n; b++) {
    const entries: Entry[] = []
    for (let i = 0; i < perBlock && done < n; i++, done++) {
      const words = Array.from({ length: WORDS_PER_MESSAGE }, () => word(pick(rand)))
      entries.push({ t: 'text', h: h0 + done, text: words.join(' ') })
    }
    const batch = pending[b % WRITERS]!
    batch.push(encodeBlock(`writer ${b % WRITERS}`, -1, entries))
    // Appended a hundred blocks at a time: only the reading is measured.
    if (batch.length === 100 || done === n) await cores[b % WRITERS].append(batch.splice(0))
  }
  for (let w = 0; w < WRITERS; w++) if (pending[w]!.length) await cores[w].append(pending[w]!)
  return { store, cores }
}

function source(cores: any[]) {
  return {
    writers: () => cores.map((core) => ({ key: core.key.toString('hex'), core })),
    lookup: async () => null,
  }
}

function queries(): string[] {
  const rand = prng(7)
  const out: string[] = []
  for (let q = 0; q < QUERIES; q++) {
    const kind = q % 4
    if (kind === 0)
      out.push(word(Math.floor(rand() * 20))) // common
    else if (kind === 1)
      out.push(word(1000 + Math.floor(rand() * 15_000))) // rare
    else if (kind === 2)
      out.push(`${word(Math.floor(rand() * 200))} ${word(Math.floor(rand() * 200))}`)
    else out.push([0, 1, 2].map(() => word(Math.floor(rand() * 400))).join(' '))
  }
  return out
}

async function run(ctx: BenchContext): Promise<Result[]> {
  const n = size(ctx, 100_000, 10_000)
  const dir = await tempDir('linkup-bench-search-')
  ctx.log(`writing ${n} messages in ${WRITERS} cores`)
  const { store, cores } = await makeRoom(path.join(dir, 'cores'), n)
  try {
    // Baseline 1: read and decode every block, no index.
    let t = performance.now()
    const texts: string[] = []
    for (const core of cores) {
      for (let s = 0; s < core.length; s += 256) {
        const blocks = await readLocalBlocks(core, s, Math.min(core.length, s + 256))
        for (const block of blocks)
          for (const { entry } of decodeBlock(block!).entries)
            if (entry.t === 'text') texts.push(entry.text)
      }
    }
    const readMs = performance.now() - t

    global.gc?.()
    const heapBefore = heapMiB()
    const file = path.join(dir, 'search', 'room.json')
    const search = new RoomSearch(source(cores), file)
    t = performance.now()
    const indexed = await search.sync()
    const buildMs = performance.now() - t
    if (indexed !== n) throw new Error(`indexed ${indexed} of ${n}`)
    global.gc?.()
    const heapIndex = heapMiB() - heapBefore

    const qs = queries()
    for (const q of qs.slice(0, 20)) await search.ids(q) // warm-up
    const times: number[] = []
    let hits = 0
    for (const q of qs) {
      const t0 = performance.now()
      hits += (await search.ids(q)).length
      times.push(performance.now() - t0)
    }
    const s = summarize(times)

    // Baseline 2: the same queries as a linear scan of every text in memory.
    const scan: number[] = []
    for (const q of qs.slice(0, 40)) {
      const words = q.split(' ')
      const t0 = performance.now()
      let found = 0
      for (const text of texts) if (words.every((w) => text.includes(w))) found++
      scan.push(performance.now() - t0)
      if (found < 0) throw new Error('unreachable')
    }
    const scanMs = summarize(scan)

    // Restart: save, then load the saved index and catch up (nothing new).
    await search.close()
    const bytes = (await fs.stat(file)).size
    t = performance.now()
    let again: RoomSearch | null = new RoomSearch(source(cores), file)
    await again.load()
    const added = await again.sync()
    const loadMs = performance.now() - t
    global.gc?.()
    const heapWithIndex = heapMiB()
    if (added !== 0) throw new Error(`reloaded index re-indexed ${added} messages`)
    if (!(await again.ids(qs[0])).length) throw new Error('reloaded index finds nothing')
    await again.close()
    // What the loaded index holds: the heap with it, less the heap once it is let go.
    again = null
    global.gc?.()
    const heapLoaded = heapWithIndex - heapMiB()

    // As people type: one message a block, so reading the blocks weighs more.
    ctx.log(`writing ${n} messages one a block`)
    const single = await makeRoom(path.join(dir, 'single'), n, 1)
    let singleReadMs = 0
    let singleBuildMs = 0
    try {
      t = performance.now()
      let count = 0
      for (const core of single.cores)
        for (let s = 0; s < core.length; s += 256)
          for (const block of await readLocalBlocks(core, s, Math.min(core.length, s + 256)))
            count += decodeBlock(block!).entries.length
      singleReadMs = performance.now() - t
      if (count !== n) throw new Error(`read ${count} of ${n}`)
      const one = new RoomSearch(source(single.cores), path.join(dir, 'search', 'single.json'))
      t = performance.now()
      const added = await one.sync()
      singleBuildMs = performance.now() - t
      if (added !== n) throw new Error(`indexed ${added} of ${n}`)
      await one.close()
    } finally {
      await single.store.close()
    }

    const base = 'linear scan of all texts in memory, p99'
    return [
      result({
        name: `search ${n} messages, p99`,
        value: s.p99,
        unit: 'ms',
        baseline: base,
        baseline_value: scanMs.p99,
        target: le(50),
        note: `${QUERIES} queries (common, rare, two words, three words), ids of the best 50; p50 ${s.p50.toFixed(2)} ms, max ${s.max.toFixed(2)} ms; ${hits} hits`,
      }),
      result({
        name: `search index built from ${n} messages`,
        value: buildMs,
        unit: 'ms',
        baseline: 'read and decode every block, no index',
        baseline_value: readMs,
        target: le(5000),
        note: `${WRITERS} writer cores of ${PER_BLOCK} messages a block, cold, from disk; index heap ${heapIndex.toFixed(0)} MiB`,
      }),
      result({
        name: `search index built from ${n} messages, one a block`,
        value: singleBuildMs,
        unit: 'ms',
        baseline: 'read and decode every block, no index',
        baseline_value: singleReadMs,
        target: le(5000),
        note: `${n} blocks in ${WRITERS} writer cores, as people type; cold, from disk`,
      }),
      result({
        name: `search index loaded after restart (${n} messages)`,
        value: loadMs,
        unit: 'ms',
        baseline: 'building it again',
        baseline_value: buildMs,
        note: `index file ${(bytes / 1024 / 1024).toFixed(1)} MiB; index heap after loading ${heapLoaded.toFixed(0)} MiB`,
      }),
    ]
  } finally {
    await store.close()
    await removeTempDirs()
  }
}

export const benchmark: Benchmark = {
  name: 'search',
  title: 'Full-text search: build, query and reload a 100,000-message index',
  run,
}

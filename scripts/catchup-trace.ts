// Traces a late reader's catch-up on the wire, to compare fetch strategies.
//   npx tsx scripts/catchup-trace.ts write --dir .tmp/trace-40k --messages 40000
//   npx tsx scripts/catchup-trace.ts read --dir .tmp/trace-40k [--readers this,main] [--runs 3] [--every 500]
// `write` fills a room from three writers, one message per block (each send awaited), and
// keeps their data folders, so the slow writing is done once. `read` reopens the writers
// on a fresh testnet and lets fresh late readers (each its own process) catch up, printing
// per interval: blocks received and requested on the wire, requests in flight, entries
// emitted, how busy the reader's CPU was and how late its event loop ran; and when each
// writer was followed, its length known, its first block and its newest 17 blocks here.
// `--readers`: whose engine reads, taking turns: `this` checkout, or a git ref (unpacked
// as `--against` does, bench/lib/against.ts); the writers are always this checkout's.
// Each reader adds its own one-block core to the room, as in the benchmark, so compare
// readers within one `read` and write a fresh room for another comparison.
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { LinkupNode } from '../src/core/node'
import type { TimelineEntry } from '../src/shared/types'
import { text200 } from '../bench/lib/context'
import { makeNode, waitPeers } from '../bench/lib/engines'
import { removeTempDirs, sleep, testnet, type Bootstrap } from '../bench/lib/net'
import { prepareAgainst } from '../bench/lib/against'
import { spawnWorker } from '../bench/lib/worker'

const SELF = fileURLToPath(import.meta.url)
const WRITERS = 3
const NEWEST = 50
const TIMEOUT_MS = 180_000

interface Meta {
  room: string
  total: number
  newest: string[]
}

/** Sums a hypercore replicator's wire stats over the room's writer cores. */
function wire(node: LinkupNode, room: string) {
  const r = (node as any).rooms_.get(room)
  const sum = { data: 0, requests: 0, cancels: 0, inflight: 0, holes: 0, peers: 0 }
  for (const w of r?.timeline?.writers?.values() ?? []) {
    const rep = w.core.replicator
    if (!rep) continue
    sum.data += rep.stats.wireData.rx
    sum.requests += rep.stats.wireRequest.tx
    sum.cancels += rep.stats.wireCancel.tx
    for (const p of rep.peers) sum.inflight += p.inflight
    sum.peers = Math.max(sum.peers, rep.peers.length)
    sum.holes += w.holes.size
  }
  return sum
}

async function read(bootstrap: Bootstrap, meta: Meta, everyMs: number) {
  const node = await makeNode(bootstrap)
  const want = new Set(meta.newest)
  let count = 0
  let connectedAt = 0
  let newestAt = 0
  let allAt = 0
  let lag = 0
  let finish: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))
  node.swarm.on('connection', () => (connectedAt ||= performance.now()))
  node.on('entry:added', (item: TimelineEntry) => {
    if (item.kind !== 'text') return
    count++
    if (want.delete(item.id) && want.size === 0) {
      newestAt = performance.now()
      mark('newest50-emitted')
    }
    if (count === meta.total) {
      allAt = performance.now()
      finish()
    }
  })
  const lines: string[] = []
  // When each writer was followed, its length known, and its newest blocks held.
  const marks: string[] = []
  const seen = new Set<any>()
  const mark = (what: string) =>
    marks.push(`${what} ${(performance.now() - connectedAt).toFixed(0)}`)
  const watch = setInterval(() => {
    const r = (node as any).rooms_.get(meta.room)
    for (const w of r?.timeline?.writers?.values() ?? []) {
      if (seen.has(w.core)) continue
      seen.add(w.core)
      const name = w.key.slice(0, 4)
      mark(`${name}:followed(len ${w.core.length})`)
      let tailAt = 0
      const tailLeft = new Set<number>()
      const onLength = () => {
        if (tailAt || !w.core.length) return
        tailAt = w.core.length
        mark(`${name}:length ${tailAt}`)
        for (let seq = Math.max(0, tailAt - 17); seq < tailAt; seq++) tailLeft.add(seq)
      }
      onLength()
      w.core.on('append', onLength)
      let first = true
      w.core.on('download', (seq: number) => {
        if (first) mark(`${name}:first-block ${seq}`)
        first = false
        if (tailLeft.delete(seq) && tailLeft.size === 0) mark(`${name}:newest17`)
      })
    }
  }, 2)
  let last = { data: 0, requests: 0, cancels: 0 }
  let lastCount = 0
  let expected = performance.now() + everyMs
  const cpu0 = process.cpuUsage()
  let lastCpu = 0
  const timer = setInterval(() => {
    const now = performance.now()
    lag = Math.max(0, now - expected)
    expected = now + everyMs
    if (!connectedAt) return
    const s = wire(node, meta.room)
    const used = process.cpuUsage(cpu0)
    const cpu = (used.user + used.system) / 1000
    lines.push(
      [
        `${((now - connectedAt) / 1000).toFixed(1)}s`,
        `blocks +${s.data - last.data}`,
        `req +${s.requests - last.requests}`,
        `cancel +${s.cancels - last.cancels}`,
        `inflight ${s.inflight}`,
        `peers ${s.peers}`,
        `holes ${s.holes}`,
        `entries +${count - lastCount} (${count})`,
        `cpu ${(((cpu - lastCpu) / everyMs) * 100).toFixed(0)}%`,
        `lag ${lag.toFixed(0)}ms`,
      ].join('  '),
    )
    last = s
    lastCpu = cpu
    lastCount = count
  }, everyMs)
  try {
    await node.joinRoom(meta.room)
    await Promise.race([finished, sleep(TIMEOUT_MS)])
  } finally {
    clearInterval(timer)
    clearInterval(watch)
    await node.close()
  }
  const used = process.cpuUsage(cpu0)
  return {
    allMs: allAt ? allAt - connectedAt : -1,
    newestMs: newestAt ? newestAt - connectedAt : -1,
    count,
    cpuMs: (used.user + used.system) / 1000,
    lines: [marks.join(', '), ...lines],
  }
}

export const worker = {
  read,
  async close() {
    await removeTempDirs()
  },
}

async function writers(bootstrap: Bootstrap, dir: string): Promise<LinkupNode[]> {
  const nodes: LinkupNode[] = []
  for (let w = 0; w < WRITERS; w++)
    nodes.push(await makeNode(bootstrap, path.join(dir, `w${w}`), { open: true }))
  return nodes
}

async function write(dir: string, total: number) {
  await fs.rm(dir, { recursive: true, force: true })
  const net = await testnet()
  const nodes = await writers(net.bootstrap, dir)
  try {
    const { key: room } = await nodes[0].createRoom('trace')
    await nodes[0].swarm.flush()
    for (const w of nodes.slice(1)) await w.joinRoom(room)
    for (const w of nodes)
      if (!(await waitPeers(w, room, WRITERS - 1, 30_000))) throw new Error('no mesh')
    const counts = nodes.map(() => 0)
    nodes.forEach((w, n) => w.on('entry:added', (item) => item.kind === 'text' && counts[n]++))
    const t0 = performance.now()
    const sent = await Promise.all(
      nodes.map(async (w, n) => {
        const mine: TimelineEntry[] = []
        for (let i = n; i < total; i += WRITERS) mine.push(await w.send(room, text200(i)))
        return mine
      }),
    )
    console.log(`wrote ${total} in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    // Every writer holds every core before the folders are kept.
    while (counts.some((c) => c < total)) await sleep(100)
    await sleep(2000)
    const newest = sent
      .flat()
      .sort((a, b) => (a.order < b.order ? -1 : 1))
      .slice(-NEWEST)
      .map((item) => item.id)
    await fs.writeFile(path.join(dir, 'meta.json'), JSON.stringify({ room, total, newest }))
  } finally {
    await Promise.all(nodes.map((w) => w.close()))
    await net.destroy()
  }
}

async function readRuns(dir: string, runs: number, readers: string[], everyMs: number) {
  const root = path.dirname(path.dirname(SELF))
  const modules = new Map<string, string>()
  for (const ref of readers) {
    if (ref === 'this') {
      modules.set(ref, SELF)
      continue
    }
    const tree = await prepareAgainst(root, ref)
    const copy = path.join(tree.dir, 'scripts', 'catchup-trace.ts')
    await fs.mkdir(path.dirname(copy), { recursive: true })
    await fs.copyFile(SELF, copy)
    modules.set(ref, copy)
  }
  const meta: Meta = JSON.parse(await fs.readFile(path.join(dir, 'meta.json'), 'utf8'))
  // Each late reader adds its own (one-block) core to the writers' stores, as in the
  // benchmark: write a fresh room for each comparison.
  const net = await testnet()
  const nodes = await writers(net.bootstrap, dir)
  try {
    for (const w of nodes)
      if (!(await waitPeers(w, meta.room, WRITERS - 1, 30_000))) throw new Error('no mesh')
    for (let run = 1; run <= runs; run++) {
      for (const variant of readers) {
        const late = spawnWorker(modules.get(variant)!, { callTimeoutMs: TIMEOUT_MS + 30_000 })
        try {
          const cpu0 = process.cpuUsage()
          const t0 = performance.now()
          const r = await late.call('read', net.bootstrap, meta, everyMs)
          const used = process.cpuUsage(cpu0)
          const served = ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100
          console.log(
            `\n== run ${run} ${variant}: all ${r.allMs.toFixed(0)} ms, newest ${NEWEST} ${r.newestMs.toFixed(0)} ms, ${r.count}/${meta.total}, reader cpu ${r.cpuMs.toFixed(0)} ms, writers' process cpu ${served.toFixed(0)}% while it ran`,
          )
          if (everyMs > 0) for (const line of r.lines) console.log('  ' + line)
        } finally {
          await late.close()
        }
      }
    }
  } finally {
    await Promise.all(nodes.map((w) => w.close()))
    await net.destroy()
    await removeTempDirs()
  }
}

if (process.argv[1] === SELF) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: '.tmp/trace' },
      messages: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '1' },
      readers: { type: 'string', default: 'this' },
      every: { type: 'string', default: '500' },
    },
  })
  const dir = path.resolve(values.dir!)
  if (positionals[0] === 'write') await write(dir, Number(values.messages))
  else if (positionals[0] === 'read')
    await readRuns(dir, Number(values.runs), values.readers!.split(','), Number(values.every))
  else {
    console.error('usage: catchup-trace.ts write|read --dir DIR [--messages N] [--runs N]')
    process.exit(2)
  }
  process.exit(0)
}

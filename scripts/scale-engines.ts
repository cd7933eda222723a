// Only the 64-engine part of bench/scale.ts (set-up, a message from one to all others,
// memory, replication sessions), on a private DHT that is already running, for quick
// before/after pairs without the rest of the benchmark (~1 min a side instead of ~7).
// `tree` is a checkout whose bench/ and src/ are used: this one, or the tree that
// `bench/run.ts --against <ref>` unpacked into .tmp/bench-against/<commit>.
//
//   npm run dht -- --port 49811
//   DHT_PORT=49811 node --expose-gc --import tsx scripts/scale-engines.ts [tree=.] [engines=64]
import path from 'node:path'

const tree = path.resolve(process.argv[2] ?? '.')
const count = Number(process.argv[3] ?? 64)
const { worker } = await import(path.join(tree, 'bench', 'scale.ts'))
const { summarize } = await import(path.join(tree, 'bench', 'lib', 'stats.ts'))
const bootstrap = [{ host: '127.0.0.1', port: Number(process.env.DHT_PORT ?? 49800) }]
const r = await worker.linkup(bootstrap, count, 20, 2000)
const s = summarize(r.samples)
console.log(
  `${count} engines: message to all p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms ` +
    `(${s.n} deliveries); set-up ${(r.setupMs / 1000).toFixed(1)} s; RSS ${r.rssPerEngine.toFixed(1)} MiB ` +
    `and heap ${r.heapPerEngine.toFixed(1)} MiB per engine; ${r.sessions} replication sessions; ` +
    `peers per engine ${Math.min(...r.degrees)}–${Math.max(...r.degrees)}` +
    (r.cpuPerMessage ? `; CPU ${r.cpuPerMessage.toFixed(0)} ms per message` : ''),
)
if (process.env.SCALE_DETAIL) {
  // Per message (count-1 arrivals each, in order): the slowest arrival and the 90th percentile.
  const per = count - 1
  const rows: string[] = []
  for (let m = 0; m * per < r.samples.length; m++) {
    const one = r.samples.slice(m * per, (m + 1) * per).sort((a: number, b: number) => a - b)
    rows.push(`${one[Math.floor(one.length * 0.9)].toFixed(0)}/${one[one.length - 1].toFixed(0)}`)
  }
  console.log(`per message p90/max (ms): ${rows.join(' ')}`)
}
await worker.close()
process.exit(0)

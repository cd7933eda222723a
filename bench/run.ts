import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { prepareAgainst, type Against } from './lib/against'
import { chartSvg } from './lib/chart'
import { updateDocs } from './lib/docs'
import { machine } from './lib/machine'
import type { Result } from './lib/result'
import { describeSource, source } from './lib/source'
import { textTable } from './lib/table'
import { spawnWorker } from './lib/worker'

// The benchmark runner:
// `npm run bench [-- --quick] [--only latency,files] [--prof] [--calm 1.5] [--against <ref>]`.
// `--against <ref>` also runs each selected benchmark on the engine as it was at <ref>
// (lib/against.ts), just before the current one: before and after in the same run.
// Each benchmark runs in a fresh child process, one after another (the machine has two
// cores; two benchmarks at once would measure each other). Writes
// bench/results/latest.json and latest.svg; a full run of everything also refreshes
// docs/bench-latest.svg and the table in docs/BENCHMARKS.md.

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.dirname(HERE)
const BENCHMARKS = [
  'latency',
  'throughput',
  'files',
  'catchup',
  'join',
  'scale',
  'startup',
  'renderer',
  'search',
  'flood',
  'overlay',
]
/** A benchmark that runs longer than this is stopped and reported as failed. */
const LIMIT_MS = { full: 900_000, quick: 120_000 }
/** The renderer fills a 100,000-message room and scrolls all of it (at least 67 s). */
const FULL_LIMIT_MS: Record<string, number> = { renderer: 900_000 }
const CALM_WAIT_MS = 120_000

function parseArgs(argv: string[]) {
  const quick = argv.includes('--quick')
  const prof = argv.includes('--prof')
  const calmAt = argv.indexOf('--calm')
  const calm = calmAt >= 0 ? Number(argv[calmAt + 1]) : null
  const at = argv.indexOf('--only')
  const only = at >= 0 ? (argv[at + 1] ?? '').split(',').filter(Boolean) : null
  const againstAt = argv.indexOf('--against')
  const against = againstAt >= 0 ? (argv[againstAt + 1] ?? null) : null
  if (againstAt >= 0 && !against) {
    console.error('--against needs a git ref')
    process.exit(2)
  }
  const unknown = (only ?? []).filter((name) => !BENCHMARKS.includes(name))
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; have ${BENCHMARKS.join(', ')}`)
    process.exit(2)
  }
  return { quick, prof, only, calm, against }
}

async function runOne(name: string, quick: boolean, prof: boolean, tree = ROOT): Promise<Result[]> {
  if (prof) process.env.LINKUP_BENCH_PROF = path.join(ROOT, '.tmp', 'bench-prof', name)
  const bench = path.join(tree, 'bench')
  const worker = spawnWorker(path.join(bench, 'lib', 'bench-child.ts'), {
    callTimeoutMs: quick ? LIMIT_MS.quick : (FULL_LIMIT_MS[name] ?? LIMIT_MS.full),
  })
  try {
    return await worker.call<Result[]>('run', path.join(bench, `${name}.ts`), quick)
  } catch (err: any) {
    console.error(`  [${name}] failed: ${err.message}`)
    const first = String(err.message).split('\n')[0]
    return [
      {
        name,
        value: null,
        unit: '',
        baseline: null,
        baseline_value: null,
        ratio: null,
        target: null,
        pass: false,
        note: `failed: ${first}`,
      },
    ]
  } finally {
    await worker.close()
  }
}

/** `--calm 1.5`: before each benchmark, wait (at most CALM_WAIT_MS) for other work to settle. */
async function waitForCalm(load: number): Promise<void> {
  const deadline = performance.now() + CALM_WAIT_MS
  if (os.loadavg()[0] > load) console.error(`waiting for the load average to drop below ${load}…`)
  while (os.loadavg()[0] > load && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 2000))
}

async function main(): Promise<void> {
  const { quick, prof, only, calm, against } = parseArgs(process.argv.slice(2))
  let before: Against | null = null
  if (against) {
    console.error(`preparing the engine at ${against} for before/after…`)
    before = await prepareAgainst(ROOT, against)
  }
  const selected = only ?? BENCHMARKS
  const started = performance.now()
  const host = machine()
  const origin = source(ROOT)
  const results: Result[] = []
  const loads: Record<string, number> = {}
  for (const name of selected) {
    if (calm) await waitForCalm(calm)
    const t0 = performance.now()
    const load = os.loadavg()[0].toFixed(2)
    loads[name] = Number(load)
    if (before) {
      const short = before.commit.slice(0, 10)
      console.error(`${name}, before (${before.ref} = ${short})… (load average ${load})`)
      const old = await runOne(name, quick, prof, before.dir)
      loads[`${name} (before)`] = Number(load)
      results.push(
        ...old.map((r) => ({ ...r, name: `${r.name} — before (${short})`, before: short })),
      )
    }
    const now = os.loadavg()[0].toFixed(2)
    if (before) loads[name] = Number(now)
    console.error(`${name}${quick ? ' (quick)' : ''}… (load average ${now})`)
    results.push(...(await runOne(name, quick, prof)))
    console.error(`  [${name}] ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  const args = process.argv.slice(2)
  const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`
  const report = {
    machine: host,
    /** The commit measured (`git rev-parse HEAD`) and whether the tree had changes. */
    source: origin,
    /** With --against: the commit of the "before" rows (named "… — before (commit)"). */
    ...(before ? { against: { ref: before.ref, commit: before.commit } } : {}),
    command,
    /** 1-minute load average as each benchmark started. */
    loads,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    results,
  }
  await fs.mkdir(path.join(HERE, 'results'), { recursive: true })
  await fs.writeFile(
    path.join(HERE, 'results', 'latest.json'),
    JSON.stringify(report, null, 2) + '\n',
  )
  const svg = chartSvg(report)
  await fs.writeFile(path.join(HERE, 'results', 'latest.svg'), svg)
  if (!quick && !only && !before) {
    await fs.writeFile(path.join(ROOT, 'docs', 'bench-latest.svg'), svg)
    await updateDocs(path.join(ROOT, 'docs', 'BENCHMARKS.md'), report)
  }
  console.log(textTable(results))
  console.log(
    `\n${describeSource(origin)}; ${report.seconds} s on ${report.machine.cpu} (${report.machine.cores} cores), node ${report.machine.node}`,
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

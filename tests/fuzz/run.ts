import { parseArgs } from 'node:util'
import { problems, runFuzz } from './fuzz'

// `npm run fuzz [-- --inputs N --seed S --minutes M]`: property-based fuzzing of every
// decoder that takes outside bytes (tests/fuzz/targets.ts). Prints its seed; the same
// seed and input count replay the same inputs. Exits non-zero on any finding.

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '1000000' },
    seed: { type: 'string' },
    minutes: { type: 'string', default: '15' },
    'heap-bound-mib': { type: 'string', default: '8' },
  },
})
const inputs = Number(values.inputs)
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31)
console.log(
  `fuzz: ${inputs} inputs, seed ${seed} (replay: npm run fuzz -- --seed ${seed} --inputs ${inputs})`,
)

const report = await runFuzz({
  inputs,
  seed,
  maxMs: Number(values.minutes) * 60_000,
  heapBoundBytes: Number(values['heap-bound-mib']) * 2 ** 20,
  log: (line) => console.log(`  ${line}`),
})
const mib = (n: number) => (n / 2 ** 20).toFixed(2)
console.log(
  `fuzz: ${report.inputs} inputs in ${(report.ms / 1000).toFixed(1)} s, ` +
    `${report.failures.length} findings, ${report.unhandledRejections} unhandled rejections, ` +
    `${report.uncaughtExceptions} uncaught exceptions; heap after warm-up ${mib(report.heapAfterWarmup)} MiB, ` +
    `at end ${mib(report.heapAtEnd)} MiB (growth ${mib(report.heapAtEnd - report.heapAfterWarmup)} MiB, ` +
    `bound ${mib(report.heapBoundBytes)} MiB)`,
)
const found = problems(report, inputs)
for (const p of found) console.log(`FAIL ${p}`)
console.log(found.length ? 'fuzz: FAILED' : 'fuzz: passed')
process.exit(found.length ? 1 : 0)

import v8 from 'node:v8'
import vm from 'node:vm'
import fc from 'fast-check'
import { TARGETS, type Target } from './targets'

// Drives every target for a share of the inputs, in chunks, with one seed for the whole
// run (printed, so a finding replays). Before the measured part, a warm-up pass of each
// target lets caches, JIT and zod's lazy schema state settle; the heap after a full GC
// then is the baseline the end of the run is compared with.

export interface FuzzOptions {
  inputs: number
  seed: number
  /** The run stops (and fails) if it has not finished by then. */
  maxMs: number
  /** Heap growth from warm-up to end allowed, in bytes. */
  heapBoundBytes: number
  log?: (line: string) => void
}

export interface FuzzReport {
  seed: number
  inputs: number
  perTarget: Array<{ name: string; inputs: number; ms: number }>
  failures: string[]
  unhandledRejections: number
  uncaughtExceptions: number
  heapAfterWarmup: number
  heapAtEnd: number
  heapBoundBytes: number
  ms: number
  timedOut: boolean
}

const CHUNK = 5000
const WARMUP_SHARE = 0.02

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed
}

async function runChunk(target: Target, runs: number, seed: number): Promise<string | null> {
  const property = fc.asyncProperty(target.input, async (input) => {
    await target.check(input)
  })
  const details = await fc.check(property, { numRuns: runs, seed, endOnFailure: true })
  if (!details.failed) return null
  const cause =
    details.errorInstance instanceof Error
      ? details.errorInstance.message
      : String(details.errorInstance)
  return `${target.name}: seed ${seed}, path ${details.counterexamplePath}: ${cause.slice(0, 500)}\n  input: ${fc
    .stringify(details.counterexample)
    .slice(0, 500)}`
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => {})
  let unhandledRejections = 0
  let uncaughtExceptions = 0
  const onRejection = () => unhandledRejections++
  const onException = () => uncaughtExceptions++
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  const start = Date.now()
  const totalShare = TARGETS.reduce((s, t) => s + t.share, 0)
  const quota = TARGETS.map((t) => Math.ceil((opts.inputs * t.share) / totalShare))
  const failures: string[] = []
  const perTarget = TARGETS.map((t) => ({ name: t.name, inputs: 0, ms: 0 }))
  let timedOut = false

  // Warm-up: part of every target's quota, counted, before the baseline heap is taken.
  for (const [n, target] of TARGETS.entries()) {
    const runs = Math.max(1, Math.floor(quota[n] * WARMUP_SHARE))
    const t0 = Date.now()
    const failure = await runChunk(target, runs, opts.seed + n)
    perTarget[n].inputs += runs
    perTarget[n].ms += Date.now() - t0
    if (failure) failures.push(failure)
  }
  const heapAfterWarmup = heapAfterGc()
  log(`warm-up done: heap ${(heapAfterWarmup / 2 ** 20).toFixed(1)} MiB`)

  for (const [n, target] of TARGETS.entries()) {
    let chunkNo = 1
    while (perTarget[n].inputs < quota[n] && !timedOut) {
      if (Date.now() - start > opts.maxMs) {
        timedOut = true
        break
      }
      const runs = Math.min(CHUNK, quota[n] - perTarget[n].inputs)
      const t0 = Date.now()
      const failure = await runChunk(target, runs, opts.seed + n + chunkNo++ * 1000)
      perTarget[n].inputs += runs
      perTarget[n].ms += Date.now() - t0
      if (failure) {
        failures.push(failure)
        break
      }
    }
    log(`${target.name}: ${perTarget[n].inputs} inputs in ${perTarget[n].ms} ms`)
  }
  // Give anything a decoder left pending a turn to reject before counting.
  await new Promise((r) => setTimeout(r, 50))
  const heapAtEnd = heapAfterGc()
  process.off('unhandledRejection', onRejection)
  process.off('uncaughtException', onException)
  return {
    seed: opts.seed,
    inputs: perTarget.reduce((s, t) => s + t.inputs, 0),
    perTarget,
    failures,
    unhandledRejections,
    uncaughtExceptions,
    heapAfterWarmup,
    heapAtEnd,
    heapBoundBytes: opts.heapBoundBytes,
    ms: Date.now() - start,
    timedOut,
  }
}

/** Everything that makes a run fail, as readable lines; empty when it passed. */
export function problems(r: FuzzReport, wantedInputs: number): string[] {
  const out = [...r.failures]
  if (r.timedOut) out.push(`time bound reached after ${r.inputs} of ${wantedInputs} inputs`)
  if (r.inputs < wantedInputs) out.push(`only ${r.inputs} of ${wantedInputs} inputs ran`)
  if (r.unhandledRejections) out.push(`${r.unhandledRejections} unhandled rejections`)
  if (r.uncaughtExceptions) out.push(`${r.uncaughtExceptions} uncaught exceptions`)
  const growth = r.heapAtEnd - r.heapAfterWarmup
  if (growth > r.heapBoundBytes)
    out.push(
      `heap grew ${(growth / 2 ** 20).toFixed(1)} MiB after warm-up (bound ${(r.heapBoundBytes / 2 ** 20).toFixed(1)} MiB)`,
    )
  return out
}

import { median, round } from './stats'

// One row of bench/results/latest.json. `ratio` is value ÷ baseline_value: above 1
// means LinkUp is slower for times and faster for rates. A row whose code does not
// exist yet, or whose run failed, has value null, pass null and says why in `note`.
//
// Two rules keep a row honest:
// - A baseline with trials that timed out has no ratio: its value is a floor, not a
//   figure (`baseline_timed_out`, shown as "n/a (k of n timed out)").
// - A figure within NEAR_TARGET of its target is judged only as the median of at least
//   MIN_RUNS runs (`runs` holds them all); a single sample at the line is not judged.

export type Op = '<=' | '>='

export interface Target {
  op: Op
  value: number
}

/** Within this fraction of the target, one sample does not decide pass or miss. */
export const NEAR_TARGET = 0.1
export const MIN_RUNS = 3

export interface Result {
  name: string
  value: number | null
  unit: string
  baseline: string | null
  baseline_value: number | null
  ratio: number | null
  target: string | null
  pass: boolean | null
  /** Every run's figure when `value` is their median (the spread is min–max of these). */
  runs?: number[]
  /** Baseline trials that hit their time limit, of how many. */
  baseline_timed_out?: { count: number; of: number }
  /** Set on rows measured on the engine of an earlier commit (`--against`). */
  before?: string
  note?: string
}

export interface ResultInput {
  name: string
  /** One figure, or give `runs` and the value is their median. */
  value?: number | null
  runs?: number[]
  unit: string
  baseline?: string
  baseline_value?: number | null
  baseline_timed_out?: { count: number; of: number }
  target?: Target
  note?: string
}

const finite = (v: number | null | undefined): number | null =>
  v === undefined || v === null || !Number.isFinite(v) ? null : v

/** True when `value` is within NEAR_TARGET of the target, on either side. */
export function nearTarget(value: number, target: Target): boolean {
  return Math.abs(value - target.value) <= NEAR_TARGET * Math.abs(target.value)
}

export function result(r: ResultInput): Result {
  const runs = r.runs?.filter((v) => Number.isFinite(v))
  const raw = runs?.length ? median(runs) : finite(r.value)
  const value = raw === null ? null : round(raw)
  const base = finite(r.baseline_value) === null ? null : round(r.baseline_value!)
  const timedOut = r.baseline_timed_out && r.baseline_timed_out.count > 0
  let pass: boolean | null =
    !r.target || value === null
      ? null
      : r.target.op === '<='
        ? value <= r.target.value
        : value >= r.target.value
  const notes: string[] = []
  if (r.target && value !== null && nearTarget(value, r.target) && (runs?.length ?? 1) < MIN_RUNS) {
    pass = null
    notes.push(
      `not judged: within ${NEAR_TARGET * 100}% of the target from ${runs?.length ?? 1} run(s), fewer than ${MIN_RUNS}`,
    )
  }
  const out: Result = {
    name: r.name,
    value,
    unit: r.unit,
    baseline: r.baseline ?? null,
    baseline_value: base,
    ratio: value !== null && base && !timedOut ? round(value / base) : null,
    target: r.target ? `${r.target.op === '<=' ? '≤' : '≥'} ${r.target.value} ${r.unit}` : null,
    pass: r.target && value === null ? false : pass,
  }
  if (runs && runs.length > 1) out.runs = runs.map(round)
  if (timedOut) out.baseline_timed_out = r.baseline_timed_out
  if (r.note) notes.unshift(r.note)
  if (notes.length) out.note = notes.join('; ')
  return out
}

/** "min–max of n" for a row measured several times, or '' for a single sample. */
export function spread(r: Result): string {
  if (!r.runs || r.runs.length < 2) return ''
  const lo = Math.min(...r.runs)
  const hi = Math.max(...r.runs)
  return `${lo}–${hi}, n=${r.runs.length}`
}

/** A row for a measurement whose code is not written yet. */
export function pending(name: string, unit: string, why: string, target?: Target): Result {
  return { ...result({ name, value: null, unit, target }), pass: null, note: `pending: ${why}` }
}

export const le = (value: number): Target => ({ op: '<=', value })
export const ge = (value: number): Target => ({ op: '>=', value })

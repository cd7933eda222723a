import { round } from './stats'

// One row of bench/results/latest.json. `ratio` is value ÷ baseline_value: above 1
// means LinkUp is slower for times and faster for rates. A row whose code does not
// exist yet, or whose run failed, has value null, pass null and says why in `note`.

export type Op = '<=' | '>='

export interface Target {
  op: Op
  value: number
}

export interface Result {
  name: string
  value: number | null
  unit: string
  baseline: string | null
  baseline_value: number | null
  ratio: number | null
  target: string | null
  pass: boolean | null
  note?: string
}

export interface ResultInput {
  name: string
  value: number | null
  unit: string
  baseline?: string
  baseline_value?: number | null
  target?: Target
  note?: string
}

export function result(r: ResultInput): Result {
  const value = r.value === null || !Number.isFinite(r.value) ? null : round(r.value)
  const base =
    r.baseline_value === undefined ||
    r.baseline_value === null ||
    !Number.isFinite(r.baseline_value)
      ? null
      : round(r.baseline_value)
  const pass =
    !r.target || value === null
      ? null
      : r.target.op === '<='
        ? value <= r.target.value
        : value >= r.target.value
  const out: Result = {
    name: r.name,
    value,
    unit: r.unit,
    baseline: r.baseline ?? null,
    baseline_value: base,
    ratio: value !== null && base ? round(value / base) : null,
    target: r.target ? `${r.target.op === '<=' ? '≤' : '≥'} ${r.target.value} ${r.unit}` : null,
    pass: r.target && value === null ? false : pass,
  }
  if (r.note) out.note = r.note
  return out
}

/** A row for a measurement whose code is not written yet. */
export function pending(name: string, unit: string, why: string, target?: Target): Result {
  return { ...result({ name, value: null, unit, target }), pass: null, note: `pending: ${why}` }
}

export const le = (value: number): Target => ({ op: '<=', value })
export const ge = (value: number): Target => ({ op: '>=', value })

import type { Machine } from './machine'
import type { Result } from './result'

// Draws docs/bench-latest.svg from a run's results, by hand: no chart library, so the
// picture is a pure function of latest.json. Top panel: latency percentiles (log
// scale) of LinkUp and its baseline; bottom panel: file-transfer rates with the
// 60 MB/s target. A value that is pending or missing is drawn as an empty outline.

const W = 960
const LINKUP = '#2f6fde'
const LINKUP_LIGHT = '#8fb3f0'
const BASE = '#6b7785'
const BASE_LIGHT = '#b9c1ca'
const TARGET = '#d33'
/** Baselines of the transfer panel: short bar label, colour, legend text. */
const TRANSFER_BASELINES: Array<[RegExp, string, string, string]> = [
  [/bare secret-stream/, 'bare', '#6b7785', 'bare: bare secret-stream, 64 KiB writes'],
  [/hyperdrive/, 'drive', '#3c9d8f', 'drive: default hyperdrive replication'],
  [/base64/, 'base64', '#c98a2b', 'base64: seed design, one JSON message'],
]
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"'

interface Bar {
  label: string
  value: number | null
  color: string
  target?: number | null
}

interface Group {
  title: string
  bars: Bar[]
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function fmt(v: number): string {
  if (v >= 100) return v.toFixed(0)
  if (v >= 10) return v.toFixed(1)
  if (v >= 1) return v.toFixed(2)
  return v.toPrecision(2)
}

function targetValue(r: Result): number | null {
  const m = r.target ? /([\d.]+)/.exec(r.target) : null
  return m ? Number(m[1]) : null
}

function latencyGroups(results: Result[]): Group[] {
  const groups = new Map<string, Group>()
  for (const r of results) {
    if (r.unit !== 'ms' || !/ p(50|99)\b/.test(r.name)) continue
    if (!/^latency|message to all/.test(r.name)) continue
    const pct = / p99\b/.test(r.name) ? 'p99' : 'p50'
    const title = r.name.replace(/ p(50|99)\b/, '')
    const g = groups.get(title) ?? { title, bars: [] }
    groups.set(title, g)
    const light = pct === 'p99'
    const target = targetValue(r)
    g.bars.push({ label: pct, value: r.value, color: light ? LINKUP_LIGHT : LINKUP, target })
    g.bars.push({ label: pct, value: r.baseline_value, color: light ? BASE_LIGHT : BASE })
  }
  // LinkUp p50, p99, then the baseline's p50, p99.
  const rank = [LINKUP, LINKUP_LIGHT, BASE, BASE_LIGHT]
  for (const g of groups.values())
    g.bars.sort((a, b) => rank.indexOf(a.color) - rank.indexOf(b.color))
  return [...groups.values()]
}

function transferGroups(results: Result[]): Group[] {
  const groups = new Map<string, Group>()
  for (const r of results) {
    if (r.unit !== 'MB/s') continue
    const title = r.name.replace(/ \(vs [^)]*\)$/, '').replace(/^file /, '')
    let g = groups.get(title)
    if (!g) {
      const target = targetValue(r)
      g = { title, bars: [{ label: 'LinkUp', value: r.value, color: LINKUP, target }] }
      groups.set(title, g)
    }
    const known = TRANSFER_BASELINES.find(([re]) => re.test(r.baseline ?? ''))
    g.bars.push({ label: known?.[1] ?? 'base', value: r.baseline_value, color: known?.[2] ?? BASE })
  }
  return [...groups.values()]
}

interface Scale {
  y(v: number): number
  ticks: number[]
}

function panel(
  out: string[],
  top: number,
  height: number,
  title: string,
  groups: Group[],
  scale: Scale,
  unit: string,
  line?: { value: number; label: string },
): void {
  const left = 70
  const right = W - 20
  const bottom = top + height
  out.push(
    `<text x="${left}" y="${top - 40}" font-size="15" font-weight="600" ${FONT}>${esc(title)}</text>`,
  )
  for (const t of scale.ticks) {
    const y = scale.y(t)
    out.push(`<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#e5e8eb"/>`)
    out.push(
      `<text x="${left - 6}" y="${y + 4}" font-size="11" text-anchor="end" fill="#555" ${FONT}>${t}</text>`,
    )
  }
  out.push(
    `<text x="16" y="${(top + bottom) / 2}" font-size="11" fill="#555" transform="rotate(-90 16 ${(top + bottom) / 2})" text-anchor="middle" ${FONT}>${esc(unit)}</text>`,
  )
  const bars = groups.reduce((n, g) => n + g.bars.length, 0)
  const gap = 48
  const barW = Math.min(44, (right - left - gap * (groups.length + 1)) / Math.max(1, bars))
  const used = bars * barW + gap * Math.max(0, groups.length - 1)
  let x = left + (right - left - used) / 2
  for (const g of groups) {
    const start = x
    for (const b of g.bars) {
      const cx = x + barW / 2
      if (b.value === null || !(b.value > 0)) {
        out.push(
          `<rect x="${x}" y="${bottom - 40}" width="${barW - 4}" height="40" fill="none" stroke="${b.color}" stroke-dasharray="3 2"/>`,
        )
        out.push(
          `<text x="${cx}" y="${bottom - 46}" font-size="10" text-anchor="middle" fill="#555" ${FONT}>n/a</text>`,
        )
      } else {
        const y = Math.max(top, scale.y(b.value))
        out.push(
          `<rect x="${x}" y="${y}" width="${barW - 4}" height="${Math.max(1, bottom - y)}" fill="${b.color}"><title>${esc(`${g.title}: ${b.label} ${fmt(b.value)} ${unit}`)}</title></rect>`,
        )
        out.push(
          `<text x="${cx - 2}" y="${y - 4}" font-size="10" text-anchor="middle" ${FONT}>${fmt(b.value)}</text>`,
        )
      }
      if (b.target) {
        const ty = scale.y(b.target)
        out.push(
          `<line x1="${x - 3}" x2="${x + barW - 1}" y1="${ty}" y2="${ty}" stroke="${TARGET}" stroke-width="2"/>`,
        )
      }
      out.push(
        `<text x="${cx - 2}" y="${bottom + 13}" font-size="9.5" text-anchor="middle" fill="#333" ${FONT}>${esc(b.label)}</text>`,
      )
      x += barW
    }
    out.push(
      `<text x="${(start + x) / 2}" y="${bottom + 30}" font-size="11.5" font-weight="600" text-anchor="middle" ${FONT}>${esc(g.title)}</text>`,
    )
    x += gap
  }
  if (line) {
    const y = scale.y(line.value)
    out.push(
      `<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="${TARGET}" stroke-dasharray="6 4"/>`,
    )
    out.push(
      `<text x="${right}" y="${y - 4}" font-size="10.5" text-anchor="end" fill="${TARGET}" ${FONT}>${esc(line.label)}</text>`,
    )
  }
  out.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`)
}

export function chartSvg(report: {
  machine?: Machine
  command?: string
  results: Result[]
}): string {
  const out: string[] = []
  const lat = latencyGroups(report.results)
  const files = transferGroups(report.results)
  const latTop = 120
  const latH = 230
  const fileTop = latTop + latH + 120
  const fileH = 200
  const H = fileTop + fileH + 50
  const lo = 0.01
  // Up to the decade above the largest value, at least 1 s.
  const largest = Math.max(1000, ...lat.flatMap((g) => g.bars.map((b) => b.value ?? 0)))
  const hi = 10 ** Math.ceil(Math.log10(largest))
  const logScale: Scale = {
    y: (v) =>
      latTop +
      latH *
        (1 - (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))),
    ticks: Array.from({ length: Math.log10(hi / lo) + 1 }, (_, i) =>
      Number((lo * 10 ** i).toPrecision(1)),
    ),
  }
  const maxRate = Math.max(120, ...files.flatMap((g) => g.bars.map((b) => b.value ?? 0)))
  const top = Math.ceil(maxRate / 20) * 20
  const linScale: Scale = {
    y: (v) => fileTop + fileH * (1 - v / top),
    ticks: Array.from({ length: top / 20 + 1 }, (_, i) => i * 20),
  }
  const m = report.machine
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
  )
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`)
  out.push(
    `<text x="20" y="28" font-size="18" font-weight="700" ${FONT}>LinkUp benchmarks${m ? ` — ${esc(m.date.slice(0, 10))}` : ''}</text>`,
  )
  if (m)
    out.push(
      `<text x="20" y="46" font-size="11" fill="#555" ${FONT}>${esc(`${report.command ?? ''} · ${m.cpu}, ${m.cores} cores, Node ${m.node} · load ${m.load?.join(' ') ?? '?'}`)}</text>`,
    )
  const legend = (y: number, items: Array<[string, string]>) => {
    let x = 70
    for (const [color, label] of items) {
      const mark =
        color === TARGET
          ? `<line x1="${x}" x2="${x + 14}" y1="${y - 4}" y2="${y - 4}" stroke="${TARGET}" stroke-width="2"/>`
          : `<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${color}"/>`
      out.push(`${mark}<text x="${x + 18}" y="${y}" font-size="11" ${FONT}>${esc(label)}</text>`)
      x += 30 + label.length * 6.2
    }
  }
  legend(latTop - 16, [
    [LINKUP, 'LinkUp'],
    [BASE, 'bare Holepunch stack (secret-stream RTT / fan-out); lighter bars: p99'],
    [TARGET, 'target'],
  ])
  legend(fileTop - 16, [
    [LINKUP, 'LinkUp'],
    ...TRANSFER_BASELINES.map(([, , color, label]) => [color, label] as [string, string]),
  ])
  panel(out, latTop, latH, 'Message latency, ms (log scale)', lat, logScale, 'ms')
  panel(out, fileTop, fileH, 'File transfer, MB/s (10^6 bytes)', files, linScale, 'MB/s', {
    value: 60,
    label: 'target 60 MB/s',
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}

// `tsx bench/lib/chart.ts results.json out.svg` redraws a chart from a saved run.
if (process.argv[1]?.endsWith('chart.ts') && process.argv[2]) {
  const fs = await import('node:fs')
  const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
  fs.writeFileSync(process.argv[3] ?? 'chart.svg', chartSvg(report))
}

import type { Machine } from './machine'
import type { Result } from './result'

// Draws docs/bench-latest.svg from a run's results, by hand: no chart library, so the
// picture is a pure function of latest.json. Top panel: latency percentiles (log
// scale) of LinkUp and its baseline; bottom panel: file-transfer rates with the
// 60 MB/s target. A value that is pending or missing is drawn as an empty outline.

const W = 960
const LINKUP = '#2f6fde'
const BASE = '#9aa5b1'
const TARGET = '#d33'
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
    g.bars.push({ label: `LinkUp ${pct}`, value: r.value, color: LINKUP, target: targetValue(r) })
    g.bars.push({ label: `base ${pct}`, value: r.baseline_value, color: BASE })
  }
  // LinkUp bars first, then the baseline's.
  for (const g of groups.values())
    g.bars.sort((a, b) => Number(a.color !== LINKUP) - Number(b.color !== LINKUP))
  return [...groups.values()]
}

function transferGroups(results: Result[]): Group[] {
  const groups = new Map<string, Group>()
  for (const r of results) {
    if (r.unit !== 'MB/s') continue
    const title = r.name.replace(/ \(vs [^)]*\)$/, '').replace(/^file /, '')
    let g = groups.get(title)
    if (!g) {
      g = {
        title,
        bars: [{ label: 'LinkUp', value: r.value, color: LINKUP, target: targetValue(r) }],
      }
      groups.set(title, g)
    }
    const short = (r.baseline ?? '')
      .replace(/,.*$/, '')
      .replace(/^default /, '')
      .replace(/^seed: /, '')
    g.bars.push({ label: short, value: r.baseline_value, color: BASE })
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
    `<text x="${left}" y="${top - 14}" font-size="15" font-weight="600" ${FONT}>${esc(title)}</text>`,
  )
  for (const t of scale.ticks) {
    const y = scale.y(t)
    out.push(`<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#e5e8eb"/>`)
    out.push(
      `<text x="${left - 6}" y="${y + 4}" font-size="11" text-anchor="end" fill="#555" ${FONT}>${fmt(t)}</text>`,
    )
  }
  out.push(
    `<text x="16" y="${(top + bottom) / 2}" font-size="11" fill="#555" transform="rotate(-90 16 ${(top + bottom) / 2})" text-anchor="middle" ${FONT}>${esc(unit)}</text>`,
  )
  const bars = groups.reduce((n, g) => n + g.bars.length, 0)
  const gap = 36
  const barW = Math.min(34, (right - left - gap * (groups.length + 1)) / Math.max(1, bars))
  let x = left + gap
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
  const latTop = 80
  const latH = 230
  const fileTop = latTop + latH + 100
  const fileH = 200
  const H = fileTop + fileH + 50
  const lo = 0.01
  const hi = 1000
  const logScale: Scale = {
    y: (v) =>
      latTop +
      latH *
        (1 - (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))),
    ticks: [0.01, 0.1, 1, 10, 100, 1000],
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
  const legend = [
    [LINKUP, 'LinkUp'],
    [BASE, 'baseline (bare Holepunch stack / seed design)'],
  ]
  legend.forEach(([color, label], i) => {
    const x = 500 + i * 90
    out.push(
      `<rect x="${x}" y="18" width="12" height="12" fill="${color}"/><text x="${x + 16}" y="28" font-size="11" ${FONT}>${esc(label)}</text>`,
    )
  })
  out.push(
    `<line x1="690" x2="706" y1="24" y2="24" stroke="${TARGET}" stroke-width="2"/><text x="710" y="28" font-size="11" ${FONT}>target</text>`,
  )
  panel(out, latTop, latH, 'Message latency, ms (log scale)', lat, logScale, 'ms')
  panel(out, fileTop, fileH, 'File transfer, MB/s (10^6 bytes)', files, linScale, 'MB/s', {
    value: 60,
    label: 'target 60 MB/s',
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}

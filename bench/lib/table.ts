import { spread, type Result } from './result'

// Prints results as an aligned text table for the terminal and as a Markdown table
// for docs/BENCHMARKS.md; both show the same columns.

const HEAD = ['benchmark', 'LinkUp', 'baseline', 'ratio', 'target', 'pass']

function cells(r: Result): string[] {
  const range = spread(r)
  const value =
    r.value === null
      ? r.note?.startsWith('pending')
        ? 'pending'
        : 'n/a'
      : `${r.value} ${r.unit}${range ? ` (median; ${range})` : ''}`
  const t = r.baseline_timed_out
  const base = t
    ? `n/a (${t.count} of ${t.of} timed out) (${r.baseline})`
    : r.baseline_value === null
      ? ''
      : `${r.baseline_value} ${r.unit} (${r.baseline})`
  const pass =
    r.pass === null ? (r.note?.includes('not judged') ? 'not judged' : '') : r.pass ? 'yes' : 'MISS'
  return [r.name, value, base, r.ratio === null ? '' : `${r.ratio}×`, r.target ?? '', pass]
}

export function textTable(results: Result[]): string {
  const rows = [HEAD, ...results.map(cells)]
  const widths = HEAD.map((_, c) => Math.max(...rows.map((row) => row[c].length)))
  const line = (row: string[]) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd()
  const notes = results
    .filter((r) => r.note)
    .map((r) => `  ${r.name}: ${r.note}`)
    .join('\n')
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)]
    .join('\n')
    .concat(notes ? `\n\nnotes:\n${notes}` : '')
}

export function markdownTable(results: Result[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const rows = results.map((r) => {
    const c = cells(r)
    if (r.pass === false) c[5] = '**MISS**'
    return `| ${c.map(esc).join(' | ')} |`
  })
  return [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`, ...rows].join('\n')
}

import fs from 'node:fs/promises'
import type { Machine } from './machine'
import type { Result } from './result'
import { describeSource, type Source } from './source'
import { markdownTable } from './table'

// Keeps the results section of docs/BENCHMARKS.md in step with the last full run:
// everything between the two markers is replaced, the prose around them is not.

const START = '<!-- bench:results:start -->'
const END = '<!-- bench:results:end -->'

export async function updateDocs(
  file: string,
  report: {
    machine: Machine
    source: Source
    command: string
    seconds: number
    loads?: Record<string, number>
    results: Result[]
  },
): Promise<void> {
  let doc: string
  try {
    doc = await fs.readFile(file, 'utf8')
  } catch {
    return
  }
  const a = doc.indexOf(START)
  const b = doc.indexOf(END)
  if (a < 0 || b < a) return
  const m = report.machine
  const notes = report.results
    .filter((r) => r.note)
    .map((r) => `- **${r.name}**: ${r.note}`)
    .join('\n')
  const section = [
    START,
    '',
    `Produced by \`${report.command}\` on ${m.date.slice(0, 10)} at ${describeSource(report.source)}: ${m.cpu}, ${m.cores} cores, Node ${m.node}; the run took ${report.seconds} s.`,
    '',
    report.loads
      ? `Load average (1 min) as each benchmark started: ${Object.entries(report.loads)
          .map(([name, load]) => `${name} ${load}`)
          .join(', ')}.`
      : '',
    '',
    markdownTable(report.results),
    '',
    notes,
    '',
    END,
  ].join('\n')
  await fs.writeFile(file, doc.slice(0, a) + section + doc.slice(b + END.length))
}

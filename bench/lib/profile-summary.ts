import fs from 'node:fs'

// Summarises a V8 .cpuprofile (from `npm run bench -- --prof` or node --cpu-prof):
// self and inclusive time per function and self time per source file, top N each.
// Usage: tsx bench/lib/profile-summary.ts <file.cpuprofile> [top=25] [filter]

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount: number
  children?: number[]
}

function label(n: Node): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '~/')
  const short = url.replace(/^\/work\/main\//, '')
  return `${n.callFrame.functionName || '(anonymous)'} ${short}:${n.callFrame.lineNumber + 1}`
}

function fileOf(n: Node): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '')
  if (!url) return n.callFrame.functionName || '(native)'
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url)
  return m ? `${m[1]}/${m[2]}` : url.replace(/^\/work\/main\//, '')
}

export function summarise(file: string, top = 25, filter?: string): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'))
  const nodes: Node[] = profile.nodes
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const total = nodes.reduce((s, n) => s + n.hitCount, 0) || 1
  const ms = (hits: number) => ((hits / total) * (profile.endTime - profile.startTime)) / 1000
  const self = new Map<string, number>()
  const files = new Map<string, number>()
  for (const n of nodes) {
    self.set(label(n), (self.get(label(n)) ?? 0) + n.hitCount)
    files.set(fileOf(n), (files.get(fileOf(n)) ?? 0) + n.hitCount)
  }
  // Inclusive: a function's hits plus its subtree's, counted once per stack.
  const inclusive = new Map<string, number>()
  const walk = (id: number, onStack: Set<string>): number => {
    const n = byId.get(id)!
    let sum = n.hitCount
    const name = label(n)
    const fresh = !onStack.has(name)
    if (fresh) onStack.add(name)
    for (const child of n.children ?? []) sum += walk(child, onStack)
    if (fresh) {
      onStack.delete(name)
      inclusive.set(name, (inclusive.get(name) ?? 0) + sum)
    }
    return sum
  }
  walk(nodes[0].id, new Set())
  const fmt = (m: Map<string, number>) =>
    [...m]
      .filter(([k]) => !filter || k.includes(filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, v]) =>
          `${ms(v).toFixed(0).padStart(7)} ms ${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`,
      )
      .join('\n')
  return [
    `profile ${file}: ${ms(total).toFixed(0)} ms`,
    '\nself time by function:',
    fmt(self),
    '\nself time by file:',
    fmt(files),
    '\ninclusive time by function:',
    fmt(inclusive),
  ].join('\n')
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, top, filter] = process.argv.slice(2)
  console.log(summarise(file, Number(top ?? 25), filter))
}

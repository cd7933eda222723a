// The cold open of the start-up benchmark, run as `node cold-open.mjs <engine bundle>
// <job JSON>` in a fresh process with no loader hooks, as the shipped app runs: LinkUp's
// code bundled by esbuild into CommonJS, its external dependencies loaded from
// node_modules (see scripts/build-electron.mjs). Plain JavaScript on purpose: under tsx
// every import goes through its hooks, which would add to the module loading being
// timed; and required, not imported: importing CommonJS from ESM scans each module for
// its exports, which the app does not pay. Prints one JSON
// line: the cold open (import + ready + newest page), warm opens, peak RSS, and the heap
// after a full collection with the room open (when run with --expose-gc).
import fs from 'node:fs'
import { createRequire } from 'node:module'

const t0 = performance.now()
const [bundle, job] = process.argv.slice(2)
const { storage, bootstrap, page, warm } = JSON.parse(job)
// The app's main process is CommonJS: required, as Electron loads dist/main/main.cjs.
const { LinkupNode } = createRequire(import.meta.url)(bundle)
const imported = performance.now()

let heapMiB = null

async function open(start) {
  const node = new LinkupNode({ storage, bootstrap, host: '127.0.0.1' })
  await node.ready()
  const readyAt = performance.now()
  const items = await node.history(node.rooms()[0].key, { limit: page })
  const end = performance.now()
  // What the open room keeps, outside the timed window: garbage collected first.
  if (heapMiB === null && globalThis.gc) {
    for (let n = 0; n < 3; n++) {
      globalThis.gc()
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    heapMiB = process.memoryUsage().heapUsed / 1024 / 1024
  }
  await node.close()
  if (items.length !== page) throw new Error(`history returned ${items.length} entries`)
  return { ms: end - start, readyMs: readyAt - (start === t0 ? imported : start) }
}

const cold = await open(t0)
const warmMs = []
for (let n = 0; n < warm; n++) warmMs.push((await open(performance.now())).ms)
const hwm = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))
process.stdout.write(
  JSON.stringify({
    cold: { ms: cold.ms, importMs: imported - t0, readyMs: cold.readyMs },
    warmMs,
    peakMiB: hwm ? Number(hwm[1]) / 1024 : null,
    heapMiB,
  }) + '\n',
)
process.exit(0)

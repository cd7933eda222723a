// How many turns of the event loop corestore needs to create cores in one store, the floor
// under the crowd's "message reaches all 32" row (docs/BENCHMARKS.md, fifth round). Each
// `store.get` of a core not on disk yet ends in hypercore-storage's `createCore`, which
// holds the store's lock across one RocksDB read (served on the thread pool, so answered in
// the next turn) and flushes the write batch only once no create is waiting: n cores asked
// for at once take about n + 3 turns, and all of them become ready in the same last turn.
// A task of BUSY ms per turn stands in for 32 engines sharing one event loop.
//
//   npx tsx scripts/create-turns.ts [busy ms per turn=50] [cores=30]
import Corestore from 'corestore'
import crypto from 'hypercore-crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const busyMs = Number(process.argv[2] ?? 50)
const count = Number(process.argv[3] ?? 30)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'create-turns-'))
const store = new Corestore(dir)
await store.ready()

let turns = 0
let spinning = true
const spin = () => {
  if (!spinning) return
  turns++
  const end = performance.now() + busyMs
  while (performance.now() < end);
  setImmediate(spin)
}
const t0 = performance.now()
setImmediate(spin)
const readyAt: number[] = []
await Promise.all(
  Array.from({ length: count }, async () => {
    const core = store.get({ key: crypto.keyPair().publicKey })
    await core.ready()
    readyAt.push(turns)
  }),
)
spinning = false
console.log(
  `${count} cores, ${busyMs} ms of other work per turn: all ready after ` +
    `${Math.round(performance.now() - t0)} ms; the first in turn ${Math.min(...readyAt)}, ` +
    `the last in turn ${Math.max(...readyAt)}`,
)
await store.close()
fs.rmSync(dir, { recursive: true, force: true })

import { pathToFileURL } from 'node:url'
import path from 'node:path'
import type { Benchmark } from './context'

// Runs one benchmark module inside a fresh worker process (see worker.ts), so no
// benchmark inherits another's heap, sockets or GC debt.

export const worker = {
  async run(file: string, quick: boolean) {
    const mod = await import(pathToFileURL(path.resolve(file)).href)
    const bench = mod.benchmark as Benchmark
    const log = (message: string) => process.stderr.write(`  [${bench.name}] ${message}\n`)
    return bench.run({ quick, log })
  },
}

import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import type { Bootstrap } from './net'

// The timed sides of the start-up benchmark, each in a fresh process. The engine's open
// runs the engine as the app ships it: LinkUp's code bundled by esbuild into CommonJS with
// the dependencies scripts/build-electron.mjs leaves external, loaded by plain node, so
// module loading is timed as a user pays for it (lib/cold-open.mjs). The baseline runs
// in a bench worker and imports corestore inside its timed window.

export const PAGE = 50

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(HERE, '..', '..')
const COLD_OPEN = path.join(HERE, 'cold-open.mjs')
const run = promisify(execFile)

export interface EngineOpen {
  cold: { ms: number; importMs: number; readyMs: number }
  warmMs: number[]
  peakMiB: number
  /** Heap after a full collection with the room open (after the cold open). */
  heapMiB: number | null
}

/**
 * What the app's main bundle leaves to node_modules (scripts/main-bundle.mjs). A tree
 * from before that file (a `--against` run) bundled no dependency at all.
 */
async function externals(): Promise<string[]> {
  const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8'))
  const shared = path.join(ROOT, 'scripts', 'main-bundle.mjs')
  const exists = await fs.access(shared).then(
    () => true,
    () => false,
  )
  if (exists) return (await import(pathToFileURL(shared).href)).mainExternals(pkg)
  return ['electron', ...Object.keys(pkg.dependencies ?? {})]
}

/**
 * Bundles src/core/node.ts like the shipped app (CommonJS, the same externals, as
 * scripts/build-electron.mjs does for the main process); returns the bundle's path.
 * Node here is older than Electron's, so the target is this node.
 */
export async function bundleEngine(): Promise<string> {
  const outfile = path.join(ROOT, '.tmp', 'bench-engine', 'node.cjs')
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/core/node.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    external: await externals(),
    logLevel: 'warning',
  })
  return outfile
}

/** A cold open in a fresh plain-node process, then `warm` more opens in that process. */
export async function openEngine(
  bundle: string,
  storage: string,
  bootstrap: Bootstrap,
  warm: number,
): Promise<EngineOpen> {
  const job = JSON.stringify({ storage, bootstrap, page: PAGE, warm })
  const { stdout } = await run(process.execPath, ['--expose-gc', COLD_OPEN, bundle, job], {
    cwd: ROOT,
    timeout: 60_000,
  })
  return JSON.parse(stdout.trim().split('\n').pop()!)
}

async function openPlain(storage: string, keys: string[]) {
  const t0 = performance.now()
  const { default: Corestore } = await import('corestore')
  const store = new Corestore(path.join(storage, 'cores'))
  await store.ready()
  for (const key of keys) {
    const core = store.get({ key: Buffer.from(key, 'hex') })
    await core.ready()
    const gets: Promise<unknown>[] = []
    for (let seq = Math.max(0, core.length - PAGE); seq < core.length; seq++)
      gets.push(core.get(seq))
    await Promise.all(gets)
  }
  const ms = performance.now() - t0
  await store.close()
  return { ms }
}

export const worker = { openPlain }

import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

// The preload and the renderer's shell client bundle src/shared/ipc.ts: the channel
// tables, never the zod schemas (src/shared/ipc-schemas.ts). zod made the preload 743 KB
// and, in the renderer, probed eval at start-up under the CSP.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const PRELOAD_MAX_BYTES = 50 * 1024

async function bundle(entry: string) {
  const out = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'cjs',
    external: ['electron'],
    metafile: true,
    logLevel: 'silent',
  })
  return { bytes: out.outputFiles[0].contents.byteLength, inputs: Object.keys(out.metafile.inputs) }
}

test('the preload bundle is under 50 KB and holds no zod', async () => {
  const { bytes, inputs } = await bundle('src/preload/preload.ts')
  assert.ok(bytes < PRELOAD_MAX_BYTES, `preload is ${bytes} B`)
  assert.deepEqual(
    inputs.filter((i) => i.includes('node_modules/zod') || i.includes('ipc-schemas')),
    [],
  )
  assert.ok(inputs.includes('src/shared/ipc.ts'), 'the preload still uses the shared tables')
})

test("the renderer's shell client holds no zod", async () => {
  const { inputs } = await bundle('src/renderer/web-client.ts')
  assert.deepEqual(
    inputs.filter((i) => i.includes('node_modules/zod')),
    [],
  )
})

// Bundles the Electron main process and the preload script with esbuild.
//   src/main/main.ts       -> dist/main/main.cjs        (Node, CommonJS)
//   src/preload/preload.ts -> dist/preload/preload.cjs  (sandboxed preload: no Node)
// The dependencies stay external but for a few pure-JavaScript ones (scripts/main-bundle.mjs):
// the Holepunch modules load native addons (sodium-native, udx-native, rocksdb-native)
// that cannot be bundled. The renderer is built by `vite build`.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { mainExternals } from './main-bundle.mjs'

// Electron 45 ships Chromium 156 and Node 24: the bundles use what those run natively.
const NODE_TARGET = 'node24'
const CHROME_TARGET = 'chrome156'
/** The preload stays small: the channel tables only, no zod (src/shared/ipc.ts). */
const PRELOAD_MAX_BYTES = 50 * 1024

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'))
const production = process.env.NODE_ENV === 'production'

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  target: NODE_TARGET,
  sourcemap: production ? false : 'linked',
  minify: false,
  logLevel: 'info',
}

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/main/main.ts'],
    outfile: 'dist/main/main.cjs',
    platform: 'node',
    external: mainExternals(pkg),
  }),
  build({
    ...common,
    entryPoints: ['src/preload/preload.ts'],
    outfile: 'dist/preload/preload.cjs',
    // A sandboxed preload has no Node: its require() knows only 'electron' and a few
    // polyfills, so everything else (src/shared, zod) is bundled in.
    platform: 'browser',
    target: CHROME_TARGET,
    external: ['electron'],
    metafile: true,
  }).then(checkPreloadSize),
])

// A preload that grows past the budget has pulled in a library it should not have
// (zod once made it 743 KB): fail the build and name the biggest inputs.
function checkPreloadSize(result) {
  const [file, output] = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith('.cjs'))
  if (output.bytes <= PRELOAD_MAX_BYTES) return
  const biggest = Object.entries(output.inputs)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, 5)
    .map(([name, { bytesInOutput }]) => `${name} ${bytesInOutput} B`)
  throw new Error(
    `${file} is ${output.bytes} B, over the ${PRELOAD_MAX_BYTES} B budget: ${biggest.join(', ')}`,
  )
}

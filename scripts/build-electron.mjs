// Bundles the Electron main process and the preload script with esbuild.
//   src/main/main.ts       -> dist/main/main.cjs        (Node, CommonJS)
//   src/preload/preload.ts -> dist/preload/preload.cjs  (sandboxed preload: no Node)
// Every package.json dependency stays external: the Holepunch modules load native addons
// (sodium-native, udx-native, rocksdb-native) that cannot be bundled, and electron-builder
// ships the dependencies in node_modules anyway. The renderer is built by `vite build`.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'))
const production = process.env.NODE_ENV === 'production'

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  target: 'node22', // Electron 38 ships Node 22
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
    external: [
      'electron',
      'sodium-native',
      'udx-native',
      'rocksdb-native',
      ...Object.keys(pkg.dependencies ?? {}),
    ],
  }),
  build({
    ...common,
    entryPoints: ['src/preload/preload.ts'],
    outfile: 'dist/preload/preload.cjs',
    // A sandboxed preload has no Node: its require() knows only 'electron' and a few
    // polyfills, so everything else (src/shared, zod) is bundled in.
    platform: 'browser',
    target: 'chrome140',
    external: ['electron'],
  }),
])

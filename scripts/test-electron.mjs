// `npm run test:electron`: the e2e specs under Playwright's _electron, against the built
// app (dist/main/main.cjs). Specs that need the browser shell skip themselves and say
// why. Without an Electron binary there is nothing to run: one line, exit 1.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronBinary } from './electron-binary.mjs'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

if (!electronBinary()) {
  console.error(
    'test:electron: no Electron binary is installed, so nothing can run under _electron; `npm run test:e2e` runs the same specs in Chromium.',
  )
  process.exit(1)
}

const steps = [
  [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
  [path.join(ROOT, 'scripts', 'build-electron.mjs')],
  [
    path.join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'),
    'test',
    ...process.argv.slice(2),
  ],
]
for (const step of steps) {
  const run = spawnSync(process.execPath, step, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, LINKUP_E2E_SHELL: 'electron' },
  })
  if (run.status !== 0) process.exit(run.status ?? 1)
}

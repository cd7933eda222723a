// `npm start`: builds LinkUp and opens it in Electron, passing on the arguments after
// `--` (`npm start -- --storage /tmp/alice`). With no Electron binary it says so in one
// line, names the browser shell, and exits 1 before building anything.
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { NO_ELECTRON, electronBinary, electronFlags } from './electron-binary.mjs'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

const binary = electronBinary()
if (!binary) {
  console.error(NO_ELECTRON)
  process.exit(1)
}

for (const step of [
  [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
  [path.join(ROOT, 'scripts', 'build-electron.mjs')],
]) {
  const built = spawnSync(process.execPath, step, { cwd: ROOT, stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

const child = spawn(binary, [...electronFlags(), '.', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))

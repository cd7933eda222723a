// Finds the Electron binary the `electron` package installed, without require('electron'):
// from Electron 40 on, requiring it when the binary is missing starts a download, which
// on a machine without internet hangs or ends in a stack trace. Used by `npm start`,
// `npm run demo`, `npm run test:electron` and the e2e fixture.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The executable's path, or null when this machine has none. */
export function electronBinary(root = ROOT) {
  const pkg = path.join(root, 'node_modules', 'electron')
  let relative = null
  try {
    relative = fs.readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim()
  } catch {
    // No path.txt: the install script never fetched the binary.
  }
  // The electron package's own override for a binary kept elsewhere.
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (dist) relative ??= process.platform === 'win32' ? 'electron.exe' : 'electron'
  if (!relative) return null
  const binary = dist ? path.join(dist, relative) : path.join(pkg, 'dist', relative)
  return fs.existsSync(binary) ? binary : null
}

/**
 * Flags Electron needs before the app path on this machine: as root, Chromium refuses to
 * start without --no-sandbox (containers, CI). The renderer's own sandbox setting and
 * the rest of the hardening in src/main stay as they are.
 */
export function electronFlags() {
  return process.getuid?.() === 0 ? ['--no-sandbox'] : []
}

/** The one line to print when there is no binary. */
export const NO_ELECTRON =
  'LinkUp: no Electron binary is installed (node_modules/electron has none; it is downloaded on install, which needs the internet). Run `npm run start:web` to use LinkUp in your browser now.'

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { electronBinary, electronFlags } from '../../scripts/electron-binary.mjs'

// `npm start` where no Electron binary was downloaded (every machine here): one line that
// names the browser shell, exit 1, no stack trace, nothing built. ELECTRON_OVERRIDE_DIST_PATH
// (the electron package's own override) points at a folder, so the test does not depend on
// what node_modules holds.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

async function run(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, stdout, stderr }
}

test('npm start without an Electron binary says what to run instead, in one line', async () => {
  const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'linkup-no-electron-'))
  try {
    const { code, stdout, stderr } = await run('start-electron.mjs', {
      ELECTRON_OVERRIDE_DIST_PATH: empty,
    })
    assert.equal(code, 1)
    assert.equal(stdout, '', 'nothing is built')
    const lines = stderr.trimEnd().split('\n')
    assert.equal(lines.length, 1, stderr)
    assert.match(lines[0], /no Electron binary/)
    assert.match(lines[0], /npm run start:web/)
    assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace')
  } finally {
    await fs.rm(empty, { recursive: true, force: true })
  }
})

test('npm run test:electron without a binary refuses in one line and points to test:e2e', async () => {
  const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'linkup-no-electron-'))
  try {
    const { code, stderr } = await run('test-electron.mjs', { ELECTRON_OVERRIDE_DIST_PATH: empty })
    assert.equal(code, 1)
    assert.equal(stderr.trimEnd().split('\n').length, 1, stderr)
    assert.match(stderr, /test:e2e/)
  } finally {
    await fs.rm(empty, { recursive: true, force: true })
  }
})

test('the binary is found where the electron package says, and only if it is there', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'linkup-electron-'))
  const saved = process.env.ELECTRON_OVERRIDE_DIST_PATH
  t.after(async () => {
    if (saved === undefined) delete process.env.ELECTRON_OVERRIDE_DIST_PATH
    else process.env.ELECTRON_OVERRIDE_DIST_PATH = saved
    await fs.rm(dir, { recursive: true, force: true })
  })
  delete process.env.ELECTRON_OVERRIDE_DIST_PATH
  const pkg = path.join(dir, 'node_modules', 'electron')
  await fs.mkdir(path.join(pkg, 'dist'), { recursive: true })
  assert.equal(electronBinary(dir), null, 'no path.txt: the binary was never fetched')
  await fs.writeFile(path.join(pkg, 'path.txt'), 'electron')
  assert.equal(electronBinary(dir), null, 'path.txt but no file')
  await fs.writeFile(path.join(pkg, 'dist', 'electron'), '')
  assert.equal(electronBinary(dir), path.join(pkg, 'dist', 'electron'))

  process.env.ELECTRON_OVERRIDE_DIST_PATH = path.join(dir, 'elsewhere')
  assert.equal(electronBinary(dir), null)
  await fs.mkdir(path.join(dir, 'elsewhere'))
  await fs.writeFile(path.join(dir, 'elsewhere', 'electron'), '')
  assert.equal(electronBinary(dir), path.join(dir, 'elsewhere', 'electron'))
})

test('as root Electron gets --no-sandbox, as anyone else no extra flag', () => {
  const root = process.getuid?.() === 0
  assert.deepEqual(electronFlags(), root ? ['--no-sandbox'] : [])
})

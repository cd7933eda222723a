import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { removeTempDirs, tempDir, until } from '../helpers/net'

// `npm run demo` end to end, minus the real renderer (built for the e2e suite, not here):
// private DHT, bot, app engine behind the browser shell, and a clean Ctrl+C.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

test('the demo starts a room with a bot behind the browser shell, and Ctrl+C stops it all', async (t) => {
  t.after(removeTempDirs)
  const renderer = await tempDir()
  await fs.writeFile(
    path.join(renderer, 'index.html'),
    '<!doctype html><title>stub renderer</title>',
  )
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LINKUP_DEMO_SHELL: 'web',
      LINKUP_DEMO_RENDERER: renderer,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  try {
    const url = await until(
      'the URL',
      () => /open (http:\/\/127\.0\.0\.1:\d+\/\S*) in a browser/.exec(out)?.[1],
      20000,
    )
    const data = /demo data in (\S+) /.exec(out)![1]
    assert.ok(existsSync(data))
    const page = await fetch(url)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /stub renderer/)
    // The app engine connected to the bot in the demo room.
    await until('the app and the bot connected', () =>
      / info room \w+…: peer Anonymous \(\S+\) connected/.test(out),
    )
    assert.match(out, / info demo room linkup:\/\/[0-9a-f]{64}\n/)

    child.kill('SIGINT')
    assert.equal(await exited, 0, out)
    assert.match(out, / info stopped\n$/)
    assert.equal(existsSync(data), false, 'the temp folder is removed')
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
})

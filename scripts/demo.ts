// `npm run demo`: LinkUp working on one machine with no internet. It starts a private
// DHT on 127.0.0.1, a bot in a demo room, and the app joined to that room: Electron
// where its binary exists, else the browser shell (printing the URL to open). All data
// lives in a temporary folder that is removed on exit. Ctrl+C stops everything.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import createTestnet from 'hyperdht/testnet.js'
import { startBot, type Bot } from '../bot/bot'
import { createClient, type LinkupClient } from '../bot/client'
import { createLogger } from '../bot/log'
import { LinkupNode } from '../src/core/node'
import { startWebShell } from '../src/web/server'
import { inviteLink } from '../src/shared/roomkey'
import { electronBinary, electronFlags } from './electron-binary.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// LINKUP_DEMO_SHELL=web picks the browser shell even where Electron exists;
// LINKUP_DEMO_RENDERER serves another built renderer (the demo's test uses a stub).
const RENDERER_DIR = path.resolve(
  process.env.LINKUP_DEMO_RENDERER || path.join(ROOT, 'dist', 'renderer'),
)
const ELECTRON_MAIN = path.join(ROOT, 'dist', 'main', 'main.cjs')
const HOST = '127.0.0.1'
const STOP_TIMEOUT_MS = 10_000
const log = createLogger((process.env.LINKUP_LOG_LEVEL as any) || 'info')

/** Things to stop on exit, last started first. */
const stops: Array<{ what: string; stop: () => unknown }> = []
let stopping = false

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linkup-demo-'))
  stops.push({ what: 'temp folder', stop: () => fs.rmSync(tmp, { recursive: true, force: true }) })
  log.info(`demo data in ${tmp} (removed on exit)`)

  const testnet = await createTestnet(3, { host: HOST })
  stops.push({ what: 'private DHT', stop: () => testnet.destroy() })
  const bootstrap = testnet.bootstrap
  log.info(`private DHT on ${bootstrap.map((b) => `${b.host}:${b.port}`).join(', ')}`)

  const client: LinkupClient = await createClient({
    storage: path.join(tmp, 'bot'),
    name: 'Demo Bot',
    bootstrap,
    host: HOST,
  })
  stops.push({ what: 'bot', stop: () => client.close() })
  const room = await client.node.createRoom('LinkUp demo')
  const bot: Bot = startBot(client, { log, seed: true })
  stops.push({ what: 'bot commands', stop: () => bot.stop() })
  await client.send(
    room.key,
    'Welcome to the **LinkUp demo**! I am a bot in this room, on a private DHT on your machine. ' +
      'Say something, or try `!help`, `!ping` or `!roll 2d6`.',
  )
  log.info(`demo room ${inviteLink(room.key)}`)

  const appStorage = path.join(tmp, 'app')
  const electron = process.env.LINKUP_DEMO_SHELL === 'web' ? null : electronBinary()
  if (!electron && process.env.LINKUP_DEMO_SHELL !== 'web')
    log.info('no Electron binary on this machine: using the browser shell')
  if (electron) await startElectron(electron, appStorage, room.key, bootstrap)
  else await startBrowserShell(appStorage, room.key, bootstrap)
}

async function build(what: string, args: string[]): Promise<void> {
  log.info(`building ${what} (once)…`)
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`building ${what} failed (exit code ${code})`)
}

async function ensureRenderer(): Promise<void> {
  if (fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) return
  await build('the renderer', [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'])
}

/** A data folder that has already joined the room, so the app opens straight into it. */
async function prepareApp(
  storage: string,
  room: string,
  bootstrap: Array<{ host: string; port: number }>,
) {
  const node = new LinkupNode({ storage, bootstrap, host: HOST })
  await node.ready()
  await node.joinRoom(room, 'LinkUp demo')
  return node
}

async function startElectron(
  binary: string,
  storage: string,
  room: string,
  bootstrap: Array<{ host: string; port: number }>,
): Promise<void> {
  await ensureRenderer()
  if (!fs.existsSync(ELECTRON_MAIN))
    await build('the Electron shell', [path.join(ROOT, 'scripts', 'build-electron.mjs')])
  // The app takes its own lock on the folder: join, close, then hand the folder over.
  await (await prepareApp(storage, room, bootstrap)).close()
  const list = bootstrap.map((b) => `${b.host}:${b.port}`).join(',')
  // As root Electron needs the same flags as `npm start` and the e2e fixture.
  const args = [...electronFlags(), '.', '--storage', storage, '--bootstrap', list]
  const child: ChildProcess = spawn(binary, args, { cwd: ROOT, stdio: 'inherit' })
  stops.push({
    what: 'Electron',
    stop: () => {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      return new Promise((resolve) => child.once('exit', resolve))
    },
  })
  child.on('exit', (code) => {
    log.info(`the app window closed (exit code ${code}); stopping the demo`)
    void shutdown(0)
  })
  log.info('LinkUp is open in Electron, in the demo room. Ctrl+C here stops everything.')
}

async function startBrowserShell(
  storage: string,
  room: string,
  bootstrap: Array<{ host: string; port: number }>,
): Promise<void> {
  await ensureRenderer()
  const node = await prepareApp(storage, room, bootstrap)
  stops.push({ what: 'app engine', stop: () => node.close() })
  const shell = await startWebShell({
    node,
    port: Number(process.env.LINKUP_DEMO_PORT) || 0,
    rendererDir: RENDERER_DIR,
  })
  stops.push({ what: 'browser shell', stop: () => shell.close() })
  log.info(
    `LinkUp is in the browser shell: open ${shell.url} in a browser. Ctrl+C here stops everything.`,
  )
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return
  stopping = true
  log.info('stopping the demo…')
  setTimeout(() => {
    log.error(`stopping took longer than ${STOP_TIMEOUT_MS} ms, exiting anyway`)
    process.exit(1)
  }, STOP_TIMEOUT_MS).unref()
  for (const { what, stop } of stops.reverse()) {
    try {
      await stop()
    } catch (err: any) {
      log.warn(`stopping ${what}: ${err?.message ?? err}`)
      code = 1
    }
  }
  log.info('stopped')
  process.exit(code)
}

process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))
main().catch((err) => {
  log.error(`the demo could not start: ${err?.message ?? err}`)
  void shutdown(1)
})

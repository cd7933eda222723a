import fs from 'node:fs'
import path from 'node:path'
import { app, BrowserWindow, dialog, session, shell } from 'electron'
import { LinkupNode } from '../core/node'
import { Uploads } from '../core/files/uploads'
import { parseOptions, type StartOptions } from '../shared/options'
import { desktopIntegration, keepTitle } from './desktop'
import type { Engine } from '../core/handlers'
import { engineHandlers } from './handlers'
import { forwardEvents, registerIpc } from './ipc'
import { registerAppScheme, serveRenderer } from './protocol'
import { guardAllWebContents, hardenSession } from './session'
import { createMainWindow } from './window'

// The Electron main process: one engine (LinkupNode) per data folder, one window,
// the typed IPC between them. Bundled to dist/main/main.cjs; __dirname is dist/main.

const APP_ID = 'org.linkup.desktop'
const CLOSE_TIMEOUT_MS = 5000
const DIST = path.join(__dirname, '..')
const PRELOAD = path.join(DIST, 'preload', 'preload.cjs')
const RENDERER = path.join(DIST, 'renderer')
const ICON = path.join(DIST, '..', 'assets', 'icon.png')

function fail(title: string, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err)
  console.error(`${title}: ${message}`)
  dialog.showErrorBox(title, message) // safe before 'ready'
  app.exit(1)
  process.exit(1)
}

function startupOptions(): { options: StartOptions; storage: string } {
  try {
    const options = parseOptions(process.argv.slice(1), process.env)
    const storage = path.resolve(options.storage ?? path.join(app.getPath('userData'), 'linkup'))
    return { options, storage }
  } catch (err) {
    return fail('LinkUp cannot start', err)
  }
}

const { options, storage } = startupOptions()

// Chromium's own profile (and with it the single-instance lock) lives inside the data
// folder, so "one instance" means one per data folder and two folders run side by side.
try {
  const chromiumProfile = path.join(storage, 'electron')
  fs.mkdirSync(chromiumProfile, { recursive: true, mode: 0o700 })
  app.setPath('userData', chromiumProfile)
  app.setPath('sessionData', chromiumProfile)
} catch (err) {
  fail(`LinkUp cannot use the data folder ${storage}`, err)
}

if (!app.requestSingleInstanceLock({ storage })) {
  console.error(
    `LinkUp is already running with the data folder ${storage}; switching to that window.`,
  )
  app.exit(0)
} else {
  main()
}

function main(): void {
  app.setAppUserModelId(APP_ID)
  app.enableSandbox()
  registerAppScheme()
  guardAllWebContents()

  let engine: LinkupNode | null = null
  let win: BrowserWindow | null = null
  const cleanups: Array<() => void> = []

  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) return
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  })

  const isOurWindow = (contentsId: number) =>
    !!win && !win.isDestroyed() && win.webContents.id === contentsId

  async function openWindow(): Promise<void> {
    win = await createMainWindow({
      storage,
      preload: PRELOAD,
      devTools: !app.isPackaged,
      icon: ICON,
    })
    keepTitle(win)
    win.on('closed', () => (win = null))
  }

  app
    .whenReady()
    .then(async () => {
      if (!fs.existsSync(path.join(RENDERER, 'index.html'))) {
        fail(
          'LinkUp is not built',
          new Error(`${RENDERER}/index.html is missing. Run "npm run build" first.`),
        )
      }
      hardenSession(session.defaultSession)
      serveRenderer(RENDERER, () => engine)

      const node = new LinkupNode({
        storage,
        bootstrap: options.bootstrap ?? undefined,
        host: options.host ?? undefined,
      })
      try {
        await node.ready()
      } catch (err) {
        // Most often: another LinkUp process holds this data folder, or config.json is bad.
        fail('LinkUp cannot open its data folder', err)
      }
      engine = node
      const api: Engine = node
      const uploads = new Uploads(api)
      const chooseSavePath = async (name: string) => {
        const options = { defaultPath: path.join(app.getPath('downloads'), name) }
        const picked = win ? await dialog.showSaveDialog(win, options) : { canceled: true }
        return picked.canceled || !('filePath' in picked) || !picked.filePath
          ? null
          : picked.filePath
      }
      cleanups.push(
        registerIpc(
          engineHandlers(
            api,
            { openExternal: (url) => shell.openExternal(url), chooseSavePath },
            uploads,
          ),
          isOurWindow,
        ),
      )
      cleanups.push(() => void uploads.close())
      cleanups.push(forwardEvents(api, () => (win && !win.isDestroyed() ? [win.webContents] : [])))
      cleanups.push(desktopIntegration(api, () => win))
      await openWindow()
    })
    .catch((err) => fail('LinkUp failed to start', err))

  // macOS keeps the app (and the engine, which keeps syncing) alive without windows.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (engine && !win) void openWindow()
  })

  // Close the engine before exiting: it flushes config.json and leaves the swarm.
  let closed = false
  app.on('will-quit', (event) => {
    if (closed || !engine) return
    event.preventDefault()
    const node = engine
    engine = null
    cleanups.splice(0).forEach((cleanup) => cleanup())
    const timeout = new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())
    Promise.race([node.close(), timeout])
      .catch((err) => console.error('Closing the engine failed:', err))
      .finally(() => {
        closed = true
        app.quit()
      })
  })
}

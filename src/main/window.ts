import { BrowserWindow, screen } from 'electron'
import { APP_URL, windowOptions } from './security'
import {
  DEFAULT_WINDOW_STATE,
  fitToDisplays,
  loadWindowState,
  saveWindowState,
  type WindowState,
} from './window-state'

// The main window: the only place LinkUp constructs a BrowserWindow, always with the
// options of security.ts. Its size and position persist in the data folder.

const SAVE_DELAY_MS = 500

export interface MainWindowOptions {
  storage: string
  preload: string
  devTools: boolean
  icon?: string
}

export async function createMainWindow(opts: MainWindowOptions): Promise<BrowserWindow> {
  const saved = (await loadWindowState(opts.storage)) ?? DEFAULT_WINDOW_STATE
  const primary = screen.getPrimaryDisplay()
  const others = screen.getAllDisplays().filter((d) => d.id !== primary.id)
  const state = fitToDisplays(
    saved,
    [primary, ...others].map((d) => d.workArea),
  )

  const { maximized, ...bounds } = state
  const win = new BrowserWindow(
    windowOptions({ preload: opts.preload, devTools: opts.devTools, bounds, icon: opts.icon }),
  )
  if (maximized) win.maximize()
  win.once('ready-to-show', () => win.show())
  rememberState(win, opts.storage)
  win.loadURL(APP_URL).catch((err) => console.error(`Could not load ${APP_URL}:`, err))
  return win
}

function rememberState(win: BrowserWindow, storage: string): void {
  let timer: NodeJS.Timeout | null = null
  const current = (): WindowState => ({ ...win.getNormalBounds(), maximized: win.isMaximized() })
  const save = () => {
    if (timer) clearTimeout(timer)
    timer = null
    if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return
    void saveWindowState(storage, current()).catch((err) => console.error('window state:', err))
  }
  const later = () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(save, SAVE_DELAY_MS)
  }
  win.on('resize', later)
  win.on('move', later)
  win.on('maximize', later)
  win.on('unmaximize', later)
  win.on('close', save)
}

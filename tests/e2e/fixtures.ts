import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  _electron,
  test as base,
  expect,
  type Browser,
  type BrowserContext,
  type ElectronApplication,
  type Locator,
  type Page,
} from '@playwright/test'
import { electronBinary, electronFlags } from '../../scripts/electron-binary.mjs'
import { LinkupNode } from '../../src/core/node'
import { startWebShell, type WebShell } from '../../src/web/server'
import { removeTempDirs, tempDir, testnet, type Testnet } from '../helpers/net'

// Element-Desktop-style fixture: every app instance gets a fresh data folder on a
// private testnet and its own window. By default that is a real LinkupNode behind the
// browser shell (src/web) in its own browser context; where an Electron binary exists
// and LINKUP_E2E_SHELL=electron, it is the built Electron app (dist/main/main.cjs)
// driven through Playwright's _electron, and the same specs run against it. Nothing is
// mocked: the page talks to the engine over the same contract a user's window does.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const ELECTRON_MAIN = path.join(ROOT, 'dist', 'main', 'main.cjs')

/** 'electron' when asked for (`npm run test:electron`), 'web' otherwise. */
export const SHELL: 'web' | 'electron' =
  process.env.LINKUP_E2E_SHELL === 'electron' ? 'electron' : 'web'
const ELECTRON = SHELL === 'electron' ? electronBinary() : null
if (SHELL === 'electron' && !ELECTRON)
  throw new Error('LINKUP_E2E_SHELL=electron, but no Electron binary is installed')

export class App {
  readonly errors: string[] = []
  page!: Page
  /** Browser shell only: the engine in this process and the server in front of it. */
  shell!: WebShell
  node!: LinkupNode
  private context: BrowserContext | null = null
  private electron: ElectronApplication | null = null

  private constructor(
    private readonly browser: Browser,
    private readonly net: Testnet,
    readonly storage: string,
  ) {}

  /** `storage`: a data folder of the test's choosing (a small disk); a fresh one by default. */
  static async launch(browser: Browser, net: Testnet, storage?: string): Promise<App> {
    const app = new App(browser, net, storage ?? (await tempDir('linkup-e2e-')))
    await app.open()
    return app
  }

  private async open(): Promise<void> {
    if (SHELL === 'electron') {
      this.electron = await _electron.launch({
        executablePath: ELECTRON!,
        args: [
          ...electronFlags(),
          ELECTRON_MAIN,
          '--storage',
          this.storage,
          '--bootstrap',
          this.net.bootstrap.map((b) => `${b.host}:${b.port}`).join(','),
        ],
        env: { ...process.env, LINKUP_HOST: '127.0.0.1' },
      })
      this.page = await this.electron.firstWindow()
      this.watch(this.page)
    } else {
      this.node = new LinkupNode({
        storage: this.storage,
        bootstrap: this.net.bootstrap,
        host: '127.0.0.1',
      })
      await this.node.ready()
      this.shell = await startWebShell({ node: this.node })
      this.context ??= await this.browser.newContext({
        permissions: ['clipboard-read', 'clipboard-write', 'notifications'],
      })
      if (!this.page) {
        this.page = await this.context.newPage()
        this.watch(this.page)
      }
      await this.page.goto(this.shell.url)
    }
  }

  /** Uncaught exceptions and CSP refusals fail the test that caused them. */
  private watch(page: Page): void {
    page.on('pageerror', (err) => this.errors.push(err.message))
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Refused to/u.test(msg.text()))
        this.errors.push(msg.text())
    })
  }

  private async quit(): Promise<void> {
    if (this.electron) {
      await this.electron.close()
      this.electron = null
    } else {
      await this.shell.close()
      await this.node.close()
    }
  }

  /** Quits the engine and starts a new one on the same data folder, like reopening the app. */
  async restart(): Promise<void> {
    await this.quit()
    await this.open()
  }

  async close(): Promise<void> {
    await this.context?.close()
    await this.quit()
  }

  // --- what a user does -------------------------------------------------------------

  async onboard(name: string): Promise<void> {
    await this.page.getByTestId('welcome-name').fill(name)
    await this.page.getByTestId('welcome-submit').click()
    await expect(this.page.getByTestId('app')).toBeVisible()
  }

  /** Creates a room with the sidebar button; returns its key. */
  async createRoom(name: string): Promise<string> {
    await this.page.getByTestId('create-room-button').click()
    await this.page.getByTestId('create-room-name').fill(name)
    await this.page.getByTestId('create-room-submit').click()
    await expect(this.page.getByTestId('room-name')).toHaveText(name)
    return (await this.page.getByTestId('room-header').getAttribute('data-room-key'))!
  }

  /** Copies the open room's invite link through the header button, via the clipboard. */
  async copyInvite(): Promise<string> {
    await this.page.getByTestId('copy-invite').click()
    await expect(this.page.getByTestId('copy-invite')).toHaveText(/Copied/)
    if (this.electron) return this.electron.evaluate(({ clipboard }) => clipboard.readText())
    return this.page.evaluate(() => navigator.clipboard.readText())
  }

  async joinRoom(keyOrLink: string, name?: string): Promise<void> {
    await this.page.getByTestId('join-room-button').click()
    await this.page.getByTestId('join-room-key').fill(keyOrLink)
    if (name) await this.page.getByTestId('join-room-name').fill(name)
    await this.page.getByTestId('join-room-submit').click()
    await expect(this.page.getByTestId('join-room-dialog')).toBeHidden()
  }

  get composer(): Locator {
    return this.page.getByTestId('composer-input')
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text)
    await this.composer.press('Enter')
    await expect(this.composer).toHaveValue('')
  }

  /** A message row by its visible text. */
  message(text: string | RegExp): Locator {
    return this.page
      .getByTestId('message')
      .filter({ has: this.page.getByTestId('message-body').filter({ hasText: text }) })
  }

  room(name: string): Locator {
    return this.page.getByTestId('room-item').filter({ hasText: name })
  }

  async waitForPeers(n: number, timeout = 30_000): Promise<void> {
    // With nobody connected the header says it is looking for members instead.
    if (n === 0) {
      await expect(this.page.getByTestId('room-finding')).toBeVisible({ timeout })
      return
    }
    await expect(this.page.getByTestId('room-peers')).toHaveText(
      `${n} ${n === 1 ? 'peer' : 'peers'} online`,
      { timeout },
    )
  }
}

interface Fixtures {
  net: Testnet
  alice: App
  bob: App
}

export const test = base.extend<Fixtures>({
  net: async ({}, use) => {
    const net = await testnet()
    await use(net)
    await net.destroy()
    await removeTempDirs()
  },
  alice: async ({ browser, net }, use) => {
    const app = await App.launch(browser, net)
    await use(app)
    await app.close()
    expect(app.errors, 'uncaught errors in the page').toEqual([])
  },
  bob: async ({ browser, net }, use) => {
    const app = await App.launch(browser, net)
    await use(app)
    await app.close()
    expect(app.errors, 'uncaught errors in the page').toEqual([])
  },
})

/** Alice and Bob, named, in one room they both joined, connected to each other. */
export async function sharedRoom(alice: App, bob: App, name = 'general'): Promise<string> {
  await alice.onboard('Alice')
  await bob.onboard('Bob')
  const key = await alice.createRoom(name)
  await bob.joinRoom(key, name)
  await alice.waitForPeers(1)
  await bob.waitForPeers(1)
  return key
}

export { expect }

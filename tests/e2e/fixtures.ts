import {
  test as base,
  expect,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from '@playwright/test'
import { LinkupNode } from '../../src/core/node'
import { startWebShell, type WebShell } from '../../src/web/server'
import { removeTempDirs, tempDir, testnet, type Testnet } from '../helpers/net'

// Element-Desktop-style fixture: every app instance is a real LinkupNode with a fresh
// data folder on a private testnet, the browser shell in front of it, and its own
// browser context and page. Nothing is mocked; the page talks to the engine over the
// same WebSocket contract a user's browser would.

export class App {
  readonly errors: string[] = []
  page!: Page
  shell!: WebShell
  node!: LinkupNode
  private context!: BrowserContext

  private constructor(
    private readonly browser: Browser,
    private readonly net: Testnet,
    readonly storage: string,
  ) {}

  static async launch(browser: Browser, net: Testnet): Promise<App> {
    const app = new App(browser, net, await tempDir('linkup-e2e-'))
    await app.startEngine()
    app.context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] })
    app.page = await app.context.newPage()
    app.page.on('pageerror', (err) => app.errors.push(err.message))
    await app.page.goto(app.shell.url)
    return app
  }

  private async startEngine(): Promise<void> {
    this.node = new LinkupNode({
      storage: this.storage,
      bootstrap: this.net.bootstrap,
      host: '127.0.0.1',
    })
    await this.node.ready()
    this.shell = await startWebShell({ node: this.node })
  }

  /** Quits the engine and starts a new one on the same data folder, like reopening the app. */
  async restart(): Promise<void> {
    await this.shell.close()
    await this.node.close()
    await this.startEngine()
    await this.page.goto(this.shell.url)
  }

  async close(): Promise<void> {
    await this.context.close()
    await this.shell.close()
    await this.node.close()
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

  async waitForPeers(n: number): Promise<void> {
    await expect(this.page.getByTestId('room-peers')).toHaveText(
      `${n} ${n === 1 ? 'peer' : 'peers'} online`,
      {
        timeout: 30_000,
      },
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

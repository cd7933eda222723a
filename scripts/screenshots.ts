// `npm run screenshots`: the main screens of the real app, for docs/screenshots and the
// README. Three real engines on a private testnet on 127.0.0.1 hold a conversation;
// Ada's engine is shown through the browser shell in Debian's Chromium, light and dark.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from '@playwright/test'
import createTestnet from 'hyperdht/testnet.js'
import { LinkupNode } from '../src/core/node'
import { startWebShell } from '../src/web/server'
import { rgbPng, sineWav } from '../tests/helpers/media'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const OUT = path.join(ROOT, 'docs', 'screenshots')
const HOST = '127.0.0.1'
const VIEWPORT = { width: 1360, height: 840 }

const CODE = [
  'The retry helper we talked about:',
  '',
  '```ts',
  'export async function retry<T>(fn: () => Promise<T>, tries = 3): Promise<T> {',
  '  for (let i = 1; ; i++) {',
  '    try {',
  '      return await fn()',
  '    } catch (err) {',
  '      if (i >= tries) throw err',
  '      await sleep(2 ** i * 100) // back off: 200, 400, 800 ms',
  '    }',
  '  }',
  '}',
  '```',
].join('\n')

async function main(): Promise<void> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'linkup-shots-'))
  const net = await createTestnet(3, { host: HOST })
  const nodes: LinkupNode[] = []
  const node = async (dir: string, name?: string) => {
    const n = new LinkupNode({ storage: path.join(tmp, dir), bootstrap: net.bootstrap, host: HOST })
    await n.ready()
    if (name) await n.setName(name)
    nodes.push(n)
    return n
  }
  const browser = await chromium.launch({
    executablePath: process.env.LINKUP_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  })
  try {
    await fs.mkdir(OUT, { recursive: true })
    const ada = await node('ada', 'Ada Lovelace')
    const grace = await node('grace', 'Grace Hopper')
    const linus = await node('linus', 'Linus')

    // Every room is joined before the first connection forms: a room added between
    // two members already connected does not find its channel yet (engine issue).
    const design = await ada.createRoom('design-review')
    const release = await grace.createRoom('release-1.0')
    const assets = await ada.createRoom('assets')
    await Promise.all([
      ada.joinRoom(release.key, 'release-1.0'),
      grace.joinRoom(design.key, 'design-review'),
      linus.joinRoom(design.key, 'design-review'),
      grace.joinRoom(assets.key, 'assets'),
      linus.joinRoom(assets.key, 'assets'),
    ])
    const random = await ada.createRoom('random')
    await waitFor(() => ada.rooms().find((r) => r.key === design.key)!.peers >= 2)
    await waitFor(() => ada.rooms().find((r) => r.key === release.key)!.peers >= 1)

    const say = async (n: LinkupNode, room: string, text: string) => {
      const entry = await n.send(room, text)
      await sleep(40)
      return entry
    }
    await say(
      grace,
      design.key,
      'Morning! I pushed the new **sync screen** mock-ups to the design drive.',
    )
    await say(
      grace,
      design.key,
      'Main question: do we show progress per room, or one bar for everything?',
    )
    await say(ada, design.key, 'Per room. People care about the room they are looking at.')
    const typo = await say(
      ada,
      design.key,
      'And it should say how many messages are still arriving, not bytes',
    )
    await ada.edit(
      design.key,
      typo.id,
      'And it should say how many *messages* are still arriving, not bytes.',
    )
    await say(
      linus,
      design.key,
      'Agreed. Also: the retry logic in the uploader is still flaky on bad Wi-Fi.',
    )
    await say(grace, design.key, CODE)
    await say(
      linus,
      design.key,
      'Nice, that reads well. Two things:\n1. cap the total wait\n2. let callers pass an `AbortSignal`',
    )
    const oops = await say(linus, design.key, 'wrong window, sorry')
    await linus.delete(design.key, oops.id)
    await say(
      ada,
      design.key,
      'Spec for the cap is in https://example.com/linkup/rfc-12, section 3.',
    )
    await say(ada, random.key, 'Notes to self: try the bot with `~ping` later.')

    // Files, an image and a voice note in their own room; avatars for Grace and Linus.
    const file = async (name: string, data: Buffer) => {
      const p = path.join(tmp, name)
      await fs.writeFile(p, data)
      return p
    }
    await grace.setAvatar(
      await file('grace.png', gradientPng(96, 96, [214, 88, 140], [250, 190, 90])),
    )
    await linus.setAvatar(
      await file('linus.png', gradientPng(96, 96, [40, 120, 220], [90, 210, 190])),
    )
    await say(grace, assets.key, 'Here are the sync screen mock-ups and the spec.')
    const mock = await grace.sendFile(
      assets.key,
      await file('sync-screen.png', gradientPng(640, 360, [70, 110, 230], [160, 90, 220])),
    )
    await sleep(40)
    await grace.sendFile(
      assets.key,
      await file('sync-screen-spec.pdf', Buffer.alloc(1_830_000, 1)),
      {
        type: 'application/pdf',
      },
    )
    await sleep(40)
    const voice = await linus.sendVoiceNote(
      assets.key,
      await file('note.wav', sineWav(4.2, { hz: 220, amplitude: 6000 })),
      4200,
      'audio/wav',
    )
    await sleep(40)
    await say(ada, assets.key, 'Thanks! Listening now.')
    await waitFor(() => ada.rooms().find((r) => r.key === assets.key)!.peers >= 2)
    await ada.download(assets.key, mock.id)
    await ada.download(assets.key, voice.id)
    await ada.markRead(assets.key)

    const shell = await startWebShell({ node: ada })
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 })
    await page.goto(shell.url)
    await page.getByTestId('room-item').filter({ hasText: 'design-review' }).click()
    await page.getByTestId('message').last().waitFor()
    // Unread messages in another room, for the sidebar badge.
    await say(grace, release.key, 'Release checklist is up, please have a look.')
    await say(grace, release.key, 'Builds for all three platforms are green.')
    await say(grace, release.key, 'Anyone against tagging 1.0 tomorrow morning?')
    await page.getByTestId('room-unread').waitFor()
    await settle(page)

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await settle(page)
      await page.screenshot({ path: path.join(OUT, `chat-${scheme}.png`) })
    }

    await page.emulateMedia({ colorScheme: 'light' })
    await page.getByTestId('composer-input').fill('~')
    await settle(page)
    await page.screenshot({ path: path.join(OUT, 'commands.png') })
    await page.getByTestId('composer-input').fill('~jion release-1.0')
    await page.getByTestId('composer-input').press('Enter')
    await page.getByTestId('command-error').waitFor()
    await settle(page)
    await page.screenshot({ path: path.join(OUT, 'command-error.png') })
    await page.getByTestId('composer-input').fill('')

    await page.getByTestId('room-item').filter({ hasText: 'release-1.0' }).click()
    await page.getByTestId('new-messages-divider').waitFor()
    await settle(page)
    await page.screenshot({ path: path.join(OUT, 'unread-divider.png') })

    await page.getByTestId('room-item').filter({ hasText: 'assets' }).click()
    await page.getByTestId('file-image').waitFor()
    await page.getByTestId('file-audio').waitFor()
    await settle(page)
    await page.screenshot({ path: path.join(OUT, 'files.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    await settle(page)
    await page.screenshot({ path: path.join(OUT, 'files-dark.png') })
    await page.emulateMedia({ colorScheme: 'light' })

    await page.getByTestId('join-room-button').click()
    await page.getByTestId('join-room-key').fill('linkup://' + random.key.slice(0, 40))
    await settle(page)
    await page.screenshot({ path: path.join(OUT, 'join-dialog.png') })
    await page.keyboard.press('Escape')

    // Presence: Linus closes LinkUp, and the member list says when he was last seen.
    await page.getByTestId('room-item').filter({ hasText: 'design-review' }).click()
    nodes.splice(nodes.indexOf(linus), 1)
    await linus.close()
    await page
      .getByTestId('member')
      .filter({ hasText: 'Linus' })
      .getByTestId('member-notes')
      .filter({ hasText: 'last seen' })
      .waitFor({ timeout: 60_000 })
    await settle(page)
    await page.screenshot({ path: path.join(OUT, 'presence.png') })

    // First run of a fresh engine.
    const fresh = await node('fresh')
    const freshShell = await startWebShell({ node: fresh })
    const welcome = await browser.newPage({ viewport: VIEWPORT })
    await welcome.goto(freshShell.url)
    await welcome.getByTestId('welcome-name').fill('Katherine Johnson')
    await settle(welcome)
    await welcome.screenshot({ path: path.join(OUT, 'welcome.png') })
    await welcome.emulateMedia({ colorScheme: 'dark' })
    await settle(welcome)
    await welcome.screenshot({ path: path.join(OUT, 'welcome-dark.png') })

    await freshShell.close()
    await shell.close()
    console.log(`Screenshots written to ${path.relative(ROOT, OUT)}/`)
  } finally {
    await browser.close()
    await Promise.all(nodes.map((n) => n.close()))
    await net.destroy()
    await fs.rm(tmp, { recursive: true, force: true })
  }
}

/** A diagonal two-colour gradient as an RGB PNG (made here: no image files in the repo). */
function gradientPng(width: number, height: number, from: number[], to: number[]): Buffer {
  return rgbPng(width, height, (x, y) => {
    const t = (x / width + y / height) / 2
    return from.map((f, c) => Math.round(f + (to[c] - f) * t))
  })
}

/** Lets fonts, layout and the virtualizer's measurements finish before a capture. */
async function settle(page: Page): Promise<void> {
  await page.mouse.move(0, VIEWPORT.height - 1)
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  )
  await sleep(250)
}

async function waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for peers')
    await sleep(50)
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

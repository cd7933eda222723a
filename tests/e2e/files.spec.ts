import { createHash, randomBytes } from 'node:crypto'
import type { Page } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium'
import { rgbPng, sineWav } from '../helpers/media'
import { SHELL, expect, sharedRoom, test, type App } from './fixtures'
import { call } from './page-api'

// Files end to end: through the attach button, the chunked upload contract and the
// media URLs, between two real engines on a private testnet.

// A fake microphone (a beeping test tone) lets the voice recorder run headless.
test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  },
})

/** Fetches a media URL in the page; returns the status, a few headers and the SHA-256. */
async function fetchInPage(page: Page, url: string) {
  return page.evaluate(async (url) => {
    const res = await fetch(url)
    const bytes = await res.arrayBuffer()
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      nosniff: res.headers.get('x-content-type-options'),
      disposition: res.headers.get('content-disposition'),
      sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
    }
  }, url)
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

function fileCard(app: App, name: string | RegExp) {
  return app.page
    .getByTestId('file-card')
    .filter({ has: app.page.getByTestId('file-name').filter({ hasText: name }) })
}

test('a file and an image sent from A arrive in B, download with progress, and match', async ({
  alice,
  bob,
}) => {
  test.skip(
    SHELL === 'electron',
    "checks the browser shell's /media/ token and its downloads; Electron serves app:// and saves through a dialog",
  )
  const room = await sharedRoom(alice, bob)
  const data = randomBytes(3 * 1024 * 1024 + 123)
  const image = png(48, 32)
  await alice.page.getByTestId('file-input').setInputFiles([
    { name: 'report.bin', mimeType: 'application/octet-stream', buffer: data },
    { name: 'photo.png', mimeType: 'image/png', buffer: image },
  ])
  await expect(fileCard(alice, 'report.bin')).toHaveAttribute('data-state', 'ready')

  const card = fileCard(bob, 'report.bin')
  await expect(card.getByTestId('file-size')).toHaveText('3.0 MB')
  await expect(card).toHaveAttribute('data-state', 'remote')
  const id = await card.evaluate((el) =>
    el.closest('[data-testid="message"]')!.getAttribute('data-id'),
  )

  // Progress events for this entry, as the page receives them.
  await bob.page.evaluate((id) => {
    const w = window as any
    w.__progress = []
    const token = new URLSearchParams(location.search).get('token')
    const ws = new WebSocket(`ws://${location.host}/ws?token=${token}`)
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data)
      if (msg.event === 'file:progress' && msg.payload.id === id) w.__progress.push(msg.payload)
    }
    return new Promise((resolve) => (ws.onopen = resolve))
  }, id)
  await card.getByTestId('file-download').click()
  await expect(card).toHaveAttribute('data-state', 'ready')
  const progress = (await bob.page.evaluate(() => (window as any).__progress)) as any[]
  expect(progress.length).toBeGreaterThan(0)
  expect(progress.at(-1)).toMatchObject({ done: data.length, total: data.length })

  const url = await call(bob.page, 'file:url', { room, id })
  const got = await fetchInPage(bob.page, url)
  expect(got).toMatchObject({
    status: 200,
    type: 'application/octet-stream',
    nosniff: 'nosniff',
    sha256: sha256(data),
  })
  expect(got.disposition).toMatch(/^attachment;/)
  // Without the page's token the bytes are not served.
  const bare = await bob.page.evaluate((u) => fetch(u.split('?')[0]).then((r) => r.status), url)
  expect(bare).toBe(401)

  // Save: the browser shell hands the page an attachment to download.
  const download = bob.page.waitForEvent('download')
  await card.getByTestId('file-save').click()
  expect((await download).suggestedFilename()).toBe('report.bin')

  // The image shows as a preview once downloaded, and is served as an image.
  const photo = fileCard(bob, 'photo.png')
  await photo.getByTestId('file-download').click()
  await expect(photo.getByTestId('file-image')).toBeVisible()
  await expect
    .poll(() =>
      photo.getByTestId('file-image').evaluate((img: HTMLImageElement) => img.naturalWidth),
    )
    .toBe(48)
})

test('a voice note plays by itself in B; an avatar shows in the member list', async ({
  alice,
  bob,
}) => {
  // Alice picks a picture on the welcome screen.
  await alice.page.getByTestId('avatar-pick-input').setInputFiles({
    name: 'me.png',
    mimeType: 'image/png',
    buffer: png(64, 64),
  })
  await expect(alice.page.getByTestId('avatar-pick').getByTestId('avatar-img')).toBeVisible()
  const room = await sharedRoom(alice, bob)

  // MediaRecorder has no microphone headless: the note goes up through the same upload
  // contract the recorder uses.
  const wav = sineWav(0.6)
  const { upload } = await call(alice.page, 'file:uploadStart', {
    room,
    kind: 'audio',
    name: 'voice-note.wav',
    type: 'audio/wav',
    size: wav.length,
    duration: 600,
  })
  await call(alice.page, 'file:uploadChunk', { upload, data: wav.toString('base64') })
  const entry = await call(alice.page, 'file:uploadFinish', { upload })
  expect(entry).toMatchObject({ kind: 'audio', duration: 600 })

  const note = bob.page.locator(`[data-testid="message"][data-id="${entry.id}"]`)
  const player = note.getByTestId('file-audio')
  await expect(player).toBeVisible()
  await expect
    .poll(() => player.evaluate((a: HTMLAudioElement) => (a.readyState > 0 ? a.duration : 0)))
    .toBeGreaterThan(0.5)

  const avatar = bob.page
    .getByTestId('member')
    .filter({ hasText: 'Alice' })
    .getByTestId('avatar-img')
  await expect(avatar).toBeVisible({ timeout: 20_000 })
  await expect
    .poll(() => avatar.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 20_000 })
    .toBe(64)
})

test('record a voice note, paste an image and drop a file: B gets all three', async ({
  alice,
  bob,
}) => {
  test.skip(
    SHELL === 'electron',
    "records from Chromium's fake microphone, a flag _electron.launch does not pass",
  )
  await sharedRoom(alice, bob)
  await alice.page.getByTestId('voice-button').click()
  await expect(alice.page.getByTestId('voice-elapsed')).toHaveText('0:01')
  await alice.page.getByTestId('voice-send').click()
  await expect(alice.page.getByTestId('voice-recorder')).toBeHidden()
  const player = bob.page.getByTestId('file-audio')
  await expect(player).toBeVisible()
  await expect(bob.page.getByTestId('file-card').filter({ has: player })).toContainText(
    /Voice note\s*0:0[12]/,
  )

  // A screenshot pasted into the composer goes as a file; so does one dropped on the room.
  const image = png(20, 10).toString('base64')
  await alice.page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
    const paste = new DataTransfer()
    paste.items.add(new File([bytes], '', { type: 'image/png' }))
    const box = document.querySelector('[data-testid="composer-input"]')!
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: paste, bubbles: true }))
    const drop = new DataTransfer()
    drop.items.add(new File(['dropped text'], 'dropped.txt', { type: 'text/plain' }))
    const room = document.querySelector('[data-testid="timeline"]')!
    room.dispatchEvent(new DragEvent('dragover', { dataTransfer: drop, bubbles: true }))
    room.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true }))
  }, image)
  await expect(fileCard(bob, /^pasted-.*\.png$/)).toBeVisible()
  await expect(fileCard(bob, 'dropped.txt').getByTestId('file-size')).toHaveText('12 B')
  await expect(alice.composer).toHaveValue('')
})

/** A solid-colour RGB PNG. */
function png(width: number, height: number): Buffer {
  return rgbPng(width, height, () => [40, 120, 220])
}

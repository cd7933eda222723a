import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { sineWav } from '../helpers/media'
import { expect, sharedRoom, test } from './fixtures'
import { postVoiceNote } from './page-api'

// axe-core over every screen a person meets: no violation of serious or critical impact,
// in the light and the dark theme. Each check names the screen, so a failure says where.

// axe walks the whole DOM and computes colours for every text node: seconds a screen on
// a loaded two-core machine, twice per screen for the two themes.
test.describe.configure({ timeout: 180_000 })

const MARKDOWN = [
  '# Release notes',
  'Read **the plan** at https://example.com/plan, _then_ run `npm test`.',
  '> quoted text with a [link](https://example.com/docs)',
  '1. first',
  '2. second',
  '',
  '```ts',
  'export const answer: number = 42 // the answer',
  'function greet(name: string) { return `hi ${name}` }',
  '```',
].join('\n')

async function serious(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.any[0]?.message ?? n.failureSummary}`),
    }))
}

async function check(page: Page, screen: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    expect.soft(await serious(page), `${screen}, ${scheme} theme`).toEqual([])
  }
}

test('the welcome screen has no serious or critical violation', async ({ alice }) => {
  await expect(alice.page.getByTestId('welcome-name')).toBeVisible()
  await check(alice.page, 'welcome screen')
})

test('a room with Markdown, code, a file card and a voice note', async ({ alice, bob }) => {
  const room = await sharedRoom(alice, bob)
  await bob.send(MARKDOWN)
  await bob.page.getByTestId('file-input').setInputFiles({
    name: 'report-2026.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.alloc(2048, 1),
  })
  await postVoiceNote(bob.page, room, sineWav(0.6), 600)
  await alice.send('Thanks, listening now')
  const page = alice.page
  await expect(page.getByTestId('file-card')).toHaveCount(2)
  await expect(page.getByTestId('file-audio')).toBeVisible()
  await expect(page.locator('.hljs-keyword').first()).toBeVisible()
  await expect(alice.message('Thanks, listening now').getByTestId('delivery')).toHaveAttribute(
    'data-state',
    'reached',
  )
  // With one message's actions showing, as for the row under the pointer or focus.
  await alice.message('Thanks, listening now').hover()
  await expect(page.getByTestId('delete-message')).toBeVisible()
  await check(page, 'room')
})

test('the create and join dialogs', async ({ alice }) => {
  const page = alice.page
  await alice.onboard('Alice')
  await alice.createRoom('general')

  await page.getByTestId('create-room-button').click()
  await expect(page.getByTestId('create-room-dialog')).toBeVisible()
  await check(page, 'create dialog')
  await page.keyboard.press('Escape')

  await page.getByTestId('join-room-button').click()
  await page.getByTestId('join-room-key').fill('not a key')
  await page.getByTestId('join-room-submit').click()
  await expect(page.getByTestId('join-room-error')).toBeVisible()
  await check(page, 'join dialog with an error')
})

test('the command menu and a mistyped command', async ({ alice }) => {
  const page = alice.page
  await alice.onboard('Alice')
  await alice.createRoom('general')
  await alice.composer.fill('~')
  await expect(page.getByRole('listbox', { name: 'Commands' })).toBeVisible()
  await check(page, 'command menu')
  await alice.composer.fill('~jion x')
  await alice.composer.press('Enter')
  await expect(page.getByTestId('command-error')).toBeVisible()
  await check(page, 'a mistyped command')
})

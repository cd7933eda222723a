import type { Page } from '@playwright/test'
import { expect, test, type App } from './fixtures'
import { call } from './page-api'

// LinkUp by keyboard alone: every step below is a key press, never a click.

/** A message body with exactly this text. */
const exact = (text: string) => new RegExp(`^\\s*${text}\\s*$`, 'u')

const focusedTestId = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)

/** Presses Tab (Shift+Tab when `back`) until the element with this test id has focus. */
async function tabTo(page: Page, testId: string, back = false): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if ((await focusedTestId(page)) === testId) return
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
  }
  throw new Error(`Tab never reached ${testId}; focus is on ${await focusedTestId(page)}`)
}

async function onboardByKeyboard(app: App, name: string): Promise<void> {
  await expect(app.page.getByTestId('welcome-name')).toBeFocused()
  await app.page.keyboard.type(name)
  await app.page.keyboard.press('Enter')
  await expect(app.page.getByTestId('app')).toBeVisible()
}

test('create a room and land in its composer; dialogs give focus back to their opener', async ({
  alice,
}) => {
  const page = alice.page
  await onboardByKeyboard(alice, 'Alice')

  // Cancelled dialogs: focus returns to the button that opened them.
  for (const [button, dialog] of [
    ['join-room-button', 'join-room-dialog'],
    ['create-room-button', 'create-room-dialog'],
  ]) {
    await tabTo(page, button)
    await page.keyboard.press('Enter')
    await expect(page.getByTestId(dialog)).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId(dialog)).toBeHidden()
    await expect(page.getByTestId(button)).toBeFocused()
  }
  // Cancel by its button, reached with Tab.
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('create-room-name')).toBeFocused()
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('create-room-dialog')).toBeHidden()
  await expect(page.getByTestId('create-room-button')).toBeFocused()

  // Created: focus is in the new room's composer.
  await page.keyboard.press('Enter')
  await page.keyboard.type('Keyboard club')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('room-name')).toHaveText('Keyboard club')
  await expect(alice.composer).toBeFocused()
  await page.keyboard.type('typed without a mouse')
  await page.keyboard.press('Enter')
  await expect(alice.message('typed without a mouse')).toBeVisible()
})

test('read back through history, edit and delete an own message', async ({ alice }) => {
  const page = alice.page
  await onboardByKeyboard(alice, 'Alice')
  await tabTo(page, 'create-room-button')
  await page.keyboard.press('Enter')
  await page.keyboard.type('History')
  await page.keyboard.press('Enter')
  await expect(alice.composer).toBeFocused()
  const room = (await page.getByTestId('room-header').getAttribute('data-room-key'))!
  for (let i = 0; i < 60; i++) await call(page, 'message:send', { room, text: `history ${i}` })
  await expect(alice.message(exact('history 59'))).toBeVisible()

  const timeline = page.getByTestId('timeline')
  await tabTo(page, 'timeline', true)
  await expect(timeline).toHaveAttribute('role', 'log')
  // New messages are announced politely while the reader is at the end.
  await expect(timeline).toHaveAttribute('aria-live', 'polite')
  const top = () => timeline.evaluate((el) => el.scrollTop)
  const atEnd = await top()
  expect(atEnd).toBeGreaterThan(0)

  await page.keyboard.press('PageUp')
  await expect.poll(top).toBeLessThan(atEnd)
  const paged = await top()
  await page.keyboard.press('Home')
  await expect.poll(top).toBe(0)
  await expect(alice.message(exact('history 0'))).toBeInViewport()
  // Reading back: rows that mount as the list scrolls are not news.
  await expect(timeline).toHaveAttribute('aria-live', 'off')
  await page.keyboard.press('PageDown')
  await expect.poll(top).toBeGreaterThan(0)
  await page.keyboard.press('End')
  await expect.poll(top).toBeGreaterThan(paged)
  await expect(alice.message(exact('history 59'))).toBeInViewport()
  await expect(timeline).toBeFocused()
  await expect(timeline).toHaveAttribute('aria-live', 'polite')

  // ↑ reaches the newest message, then the one before; Tab reaches its actions.
  await page.keyboard.press('ArrowUp')
  await expect(alice.message(exact('history 59'))).toBeFocused()
  await page.keyboard.press('ArrowUp')
  const target = alice.message(exact('history 58'))
  await expect(target).toBeFocused()
  await tabTo(page, 'edit-message')
  await page.keyboard.press('Enter')
  await expect(alice.composer).toBeFocused()
  await expect(alice.composer).toHaveValue('history 58')
  await page.keyboard.press('End')
  await page.keyboard.type(' (fixed)')
  await page.keyboard.press('Enter')
  await expect(alice.message('history 58 (fixed)').getByTestId('edited-mark')).toBeVisible()

  await tabTo(page, 'timeline', true)
  await page.keyboard.press('ArrowUp')
  await expect(alice.message(exact('history 59'))).toBeFocused()
  await tabTo(page, 'delete-message')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('confirm-delete')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('deleted-mark')).toBeVisible()
  await expect(alice.message(exact('history 59'))).toHaveCount(0)
  // Focus stayed on the row, not on <body>.
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('ARTICLE')
})

test('the command menu works with the arrow keys and is announced as a listbox', async ({
  alice,
}) => {
  const page = alice.page
  await onboardByKeyboard(alice, 'Alice')
  await tabTo(page, 'composer-input')
  await page.keyboard.type('~')
  const menu = page.getByRole('listbox', { name: 'Commands' })
  await expect(menu).toBeVisible()
  const options = menu.getByRole('option')
  expect(await options.count()).toBeGreaterThan(2)
  const picked = async () => {
    const id = await alice.composer.getAttribute('aria-activedescendant')
    return page.locator(`[id="${id}"]`)
  }
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true')
  await expect(await picked()).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await expect(options.nth(2)).toHaveAttribute('aria-selected', 'true')
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'false')
  const name = ((await (await picked()).locator('.command-name').textContent()) ?? '').split(
    /\s/u,
  )[0]
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Tab')
  await expect(alice.composer).toBeFocused()
  await expect(alice.composer).toHaveValue(new RegExp(`^${name.replace('~', '~')} `))
})

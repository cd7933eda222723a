import { createClient } from '../../bot/client'
import { tempDir } from '../helpers/net'
import { SHELL, expect, sharedRoom, test } from './fixtures'

// Replies, reactions, mentions, typing, search, ~info and bot badges, between two
// members in real windows on a private testnet.

test('reply to a message: the reply quotes author and first line, and a click jumps back', async ({
  alice,
  bob,
}) => {
  await sharedRoom(alice, bob)
  await alice.send('Lunch at noon?\nI can book a table.')
  const original = bob.message('Lunch at noon?')
  await original.hover()
  await original.getByTestId('reply-message').click()
  await expect(bob.page.getByTestId('reply-banner')).toContainText('Replying to Alice')
  await expect(bob.page.getByTestId('reply-banner')).toContainText('Lunch at noon?')
  await bob.send('Yes, book it')
  await expect(bob.page.getByTestId('reply-banner')).toBeHidden()

  const reply = alice.message('Yes, book it')
  await expect(reply.getByTestId('reply-author')).toHaveText('Alice')
  await expect(reply.getByTestId('reply-line')).toHaveText('Lunch at noon?')
  await reply.getByTestId('reply-quote').click()
  await expect(alice.message('Lunch at noon?')).toHaveClass(/jumped/)
})

test('a reply to an old message loads history to jump to it', async ({ alice, bob }) => {
  test.skip(SHELL === 'electron', 'seeds history through the in-process engine')
  const room = await sharedRoom(alice, bob)
  const old = await alice.node.send(room, 'the very first plan')
  await Promise.all(Array.from({ length: 260 }, (_, i) => alice.node.send(room, `filler ${i}`)))
  await expect.poll(async () => !!(await bob.node.entry(room, old.id))).toBe(true)
  await bob.node.send(room, 'about that first plan', { replyTo: old.id })
  await bob.page.reload()
  const reply = bob.message('about that first plan')
  await expect(reply.getByTestId('reply-line')).toHaveText('the very first plan')
  // The original is far above the first page of history: not loaded yet.
  await expect(bob.message('the very first plan')).toHaveCount(0)
  await reply.getByTestId('reply-quote').click()
  await expect(bob.message('the very first plan')).toBeVisible()
  await expect(bob.message('the very first plan')).toHaveClass(/jumped/)
})

test('reactions: pick, count, toggle, and who reacted on hover and focus', async ({
  alice,
  bob,
}) => {
  await sharedRoom(alice, bob)
  await alice.send('Shipped the release')
  const onBob = bob.message('Shipped the release')
  await onBob.hover()
  await onBob.getByTestId('react-message').click()
  await expect(bob.page.getByTestId('emoji-picker')).toBeVisible()
  await bob.page.getByRole('menuitem', { name: 'React with 🎉' }).click()
  await expect(bob.page.getByTestId('emoji-picker')).toBeHidden()

  const onAlice = alice.message('Shipped the release')
  const party = onAlice.locator('[data-testid="reaction"][data-emoji="🎉"]')
  await expect(party.getByTestId('reaction-count')).toHaveText('1')
  await expect(party).toHaveAttribute('aria-pressed', 'false')
  await party.hover()
  await expect(party.getByTestId('reaction-who')).toBeVisible()
  await expect(party.getByTestId('reaction-who')).toHaveText('Bob')

  // Alice adds hers by clicking the same reaction: one per member, toggled.
  await party.click()
  await expect(party.getByTestId('reaction-count')).toHaveText('2')
  await expect(party).toHaveAttribute('aria-pressed', 'true')
  const onBobParty = onBob.locator('[data-testid="reaction"][data-emoji="🎉"]')
  await expect(onBobParty.getByTestId('reaction-count')).toHaveText('2')
  await onBobParty.focus()
  await expect(onBobParty.getByTestId('reaction-who')).toBeVisible()
  await expect(onBobParty.getByTestId('reaction-who')).toHaveText(/Alice|Bob/)
  await expect(onBobParty).toHaveAttribute('aria-label', /🎉 2: .*Alice/)

  await party.click()
  await expect(party.getByTestId('reaction-count')).toHaveText('1')
  await expect(onBobParty.getByTestId('reaction-count')).toHaveText('1')

  // Reactions are entries: they are still there after a restart.
  await alice.restart()
  await expect(
    alice
      .message('Shipped the release')
      .locator('[data-testid="reaction"][data-emoji="🎉"]')
      .getByTestId('reaction-count'),
  ).toHaveText('1')
})

test('mentions autocomplete from members, highlight for the one named, and notify in the background', async ({
  alice,
  bob,
}) => {
  test.skip(SHELL === 'electron', 'Electron notifies from the main process (tests/unit)')
  await sharedRoom(alice, bob)
  await alice.send('hi all')
  await expect(bob.message('hi all')).toBeVisible()
  // Record what the page shows as notifications (the real Notification still runs).
  await alice.page.evaluate(() => {
    const Real = window.Notification
    const shown: string[] = ((window as any).__shown = [])
    class Recorded extends Real {
      constructor(title: string, opts?: NotificationOptions) {
        super(title, opts)
        shown.push(title)
      }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission })
    ;(window as any).Notification = Recorded
  })
  // Alice's window goes to the background. Headless Chromium keeps every page visible
  // and focused, so the page is told what a desktop would tell it: hidden, unfocused.
  await alice.page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' })
    document.hasFocus = () => false
  })
  // A message that mentions nobody raises nothing in the page.
  await bob.send('plain news')
  await expect(alice.message('plain news')).toBeVisible()

  await bob.composer.pressSequentially('Thanks @Al')
  await expect(bob.page.getByTestId('mention-option')).toHaveText([/@Alice/])
  await bob.composer.press('Enter')
  await expect(bob.composer).toHaveValue('Thanks @Alice ')
  await bob.composer.pressSequentially('for the notes')
  await bob.composer.press('Enter')

  await expect(alice.message('Thanks @Alice for the notes')).toHaveAttribute(
    'data-mentioned',
    'true',
  )
  await expect
    .poll(() => alice.page.evaluate(() => (window as any).__shown as string[]))
    .toEqual(['Bob mentioned you in general'])
  // Bob's own message mentions Alice, not him; a plain message mentions nobody.
  await expect(bob.message('Thanks @Alice for the notes')).not.toHaveAttribute(
    'data-mentioned',
    'true',
  )
  await expect(alice.message('hi all')).not.toHaveAttribute('data-mentioned', 'true')
})

test('typing shows "Alice is typing…" on the other side and goes away', async ({ alice, bob }) => {
  await sharedRoom(alice, bob)
  await alice.send('hello')
  await expect(bob.message('hello')).toBeVisible()
  await alice.composer.pressSequentially('I am writ')
  await expect(bob.page.getByTestId('typing-indicator')).toHaveText('Alice is typing…')
  // Five seconds without a keystroke: gone.
  await expect(bob.page.getByTestId('typing-indicator')).toHaveText('', { timeout: 12_000 })
  await alice.composer.pressSequentially('ing')
  await expect(bob.page.getByTestId('typing-indicator')).toHaveText('Alice is typing…')
  await alice.composer.press('Enter')
  await expect(bob.message('I am writing')).toBeVisible()
  await expect(bob.page.getByTestId('typing-indicator')).toHaveText('')
})

test('search: the box and ~search find messages on disk, a hit jumps, and it survives a restart', async ({
  alice,
  bob,
}) => {
  await sharedRoom(alice, bob)
  await alice.send('Meet at the harbour at six')
  await alice.send('Bring the blue folder')
  await expect(bob.message('Bring the blue folder')).toBeVisible()

  await bob.page.getByTestId('toggle-search').click()
  await bob.page.getByTestId('search-input').fill('harbour')
  await bob.page.getByTestId('search-input').press('Enter')
  const hit = bob.page.getByTestId('search-hit')
  await expect(hit).toHaveCount(1)
  await expect(hit).toContainText('Alice')
  await expect(hit.locator('mark')).toHaveText('harbour')
  await hit.click()
  await expect(bob.page.getByTestId('search-panel')).toBeHidden()
  await expect(bob.message('Meet at the harbour at six')).toHaveClass(/jumped/)

  await bob.send('~search blue folder')
  await expect(bob.page.getByTestId('command-result')).toContainText(
    '1 message(s) match “blue folder”',
  )
  await bob.composer.fill('~search')
  await bob.composer.press('Enter')
  await expect(bob.page.getByTestId('command-error')).toHaveText('Usage: ~search <words>')

  await bob.restart()
  await bob.page.getByTestId('toggle-search').click()
  await bob.page.getByTestId('search-input').fill('Harbour')
  await bob.page.getByTestId('search-input').press('Enter')
  await expect(bob.page.getByTestId('search-hit')).toContainText('Meet at the harbour at six')
})

test('~info shows members, storage, peers, fingerprint and the invite', async ({ alice, bob }) => {
  const room = await sharedRoom(alice, bob)
  await alice.send('~info')
  const result = alice.page.getByTestId('command-result')
  await expect(result).toContainText('Members: 2')
  await expect(result).toContainText('Peers connected: 1')
  await expect(result).toContainText(`Invite: linkup://${room}`)
  await expect(result).toContainText(/Stored: \d+ blocks/)
})

test('a bot shows a BOT badge in the member list and on its messages', async ({
  alice,
  bob,
  net,
}) => {
  const room = await sharedRoom(alice, bob)
  const helper = await createClient({
    storage: await tempDir(),
    name: 'Helper',
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
  })
  try {
    await helper.join(room)
    await alice.waitForPeers(2)
    await helper.send(room, 'beep, I am a bot')
    const msg = alice.message('beep, I am a bot')
    await expect(msg.getByTestId('bot-badge')).toHaveText('BOT')
    await expect(alice.message('hello there')).toHaveCount(0)
    await bob.send('hello there')
    await expect(alice.message('hello there').getByTestId('bot-badge')).toHaveCount(0)
    const member = alice.page.getByTestId('member').filter({ hasText: 'Helper' })
    await expect(member.getByTestId('bot-badge')).toHaveText('BOT')
    await expect(
      alice.page.getByTestId('member').filter({ hasText: 'Bob' }).getByTestId('bot-badge'),
    ).toHaveCount(0)
  } finally {
    await helper.close()
  }
})

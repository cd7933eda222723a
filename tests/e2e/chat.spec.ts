import { SHELL, expect, sharedRoom, test } from './fixtures'

test('create a room, join it by invite link, and chat both ways', async ({ alice, bob }) => {
  await alice.onboard('Alice')
  await bob.onboard('Bob')
  await alice.createRoom('general')
  const invite = await alice.copyInvite()
  expect(invite).toMatch(/^linkup:\/\/[0-9a-f]{64}$/)

  await bob.joinRoom(invite)
  await expect(bob.page.getByTestId('room-header')).toHaveAttribute(
    'data-room-key',
    invite.slice(9),
  )
  await alice.waitForPeers(1)
  await bob.waitForPeers(1)

  await alice.send('Hello **Bob**')
  await expect(bob.message('Hello Bob')).toBeVisible()
  await expect(bob.message('Hello Bob').locator('strong')).toHaveText('Bob')
  await expect(bob.message('Hello Bob').getByTestId('message-author')).toHaveText('Alice')

  await bob.send('Hi Alice, got it')
  await expect(alice.message('Hi Alice, got it')).toBeVisible()

  // Shift+Enter is a new line in the same message; Enter sends. The composer grows
  // with its lines, up to a limit past which it scrolls.
  const height = async () => (await alice.composer.boundingBox())!.height
  const oneLine = await height()
  await alice.composer.fill('line one')
  await alice.composer.press('Shift+Enter')
  await alice.composer.pressSequentially('line two')
  await expect(alice.composer).toHaveValue('line one\nline two')
  expect(await height()).toBeGreaterThan(oneLine + 10)
  await alice.composer.fill('many\n'.repeat(30))
  expect(await height()).toBeLessThanOrEqual(220)
  await alice.composer.fill('line one\nline two')
  await alice.composer.press('Enter')
  await expect(bob.message('line one').locator('br')).toHaveCount(1)
  await expect(bob.message('line one')).toContainText('line two')

  // Own messages show delivery: written locally, then fetched by the other member.
  await expect(alice.message('Hello Bob').getByTestId('delivery')).toHaveText('reached 1')
  await expect(bob.message('Hello Bob').getByTestId('delivery')).toHaveCount(0)

  // Member list: both names with distinct key fingerprints, both online.
  const members = alice.page.getByTestId('member')
  await expect(members).toHaveCount(2)
  await expect(alice.page.getByTestId('member-name')).toContainText(['Alice', 'Bob'])
  const prints = await alice.page.getByTestId('member-fingerprint').allTextContents()
  expect(new Set(prints).size).toBe(2)
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online')
  await expect(alice.page.getByTestId('member-seen')).toHaveCount(0)

  // Bob quits: Alice's list shows him offline, with when he was last seen.
  await bob.close()
  const bobRow = members.filter({ hasText: 'Bob' })
  await expect(bobRow.getByTestId('member-seen')).toHaveText('last seen just now')
  await expect(bobRow.getByTestId('member-notes')).toHaveText('last seen just now')
})

test('edit and delete own messages; the other member sees both', async ({ alice, bob }) => {
  await sharedRoom(alice, bob)
  await alice.send('Lunch at noon')
  await expect(bob.message('Lunch at noon')).toBeVisible()

  // Up on an empty composer edits the last own message.
  await alice.composer.press('ArrowUp')
  await expect(alice.page.getByTestId('editing-banner')).toBeVisible()
  await expect(alice.composer).toHaveValue('Lunch at noon')
  await alice.composer.fill('Lunch at 1pm')
  await alice.composer.press('Enter')
  await expect(alice.page.getByTestId('editing-banner')).toBeHidden()
  await expect(alice.message('Lunch at 1pm').getByTestId('edited-mark')).toBeVisible()
  await expect(bob.message('Lunch at 1pm').getByTestId('edited-mark')).toBeVisible()
  await expect(bob.message('Lunch at noon')).toHaveCount(0)

  // Other people's messages have no edit or delete.
  await bob.message('Lunch at 1pm').hover()
  await expect(bob.message('Lunch at 1pm').getByTestId('edit-message')).toHaveCount(0)
  await expect(bob.message('Lunch at 1pm').getByTestId('delete-message')).toHaveCount(0)

  await alice.send('Oops, wrong room')
  await expect(bob.message('Oops, wrong room')).toBeVisible()
  const row = alice.message('Oops, wrong room')
  const id = await row.getAttribute('data-id')
  await row.hover()
  await row.getByTestId('delete-message').click()
  await row.getByTestId('confirm-delete').click()
  const gone = (page: typeof alice.page) => page.locator(`[data-testid="message"][data-id="${id}"]`)
  await expect(gone(alice.page).getByTestId('deleted-mark')).toBeVisible()
  await expect(gone(bob.page).getByTestId('deleted-mark')).toBeVisible()
  await expect(bob.page.getByText('Oops, wrong room')).toHaveCount(0)
})

test('commands: a typo shows a clear error, ~create and ~join work from the composer', async ({
  alice,
  bob,
}) => {
  await alice.onboard('Alice')
  await bob.onboard('Bob')

  // Inline help lists the commands as you type ~.
  await alice.composer.fill('~')
  await expect(alice.page.getByTestId('command-help')).toBeVisible()
  await expect(alice.page.getByTestId('command-help')).toContainText('~create')
  await alice.composer.fill('~jo')
  await expect(alice.page.getByTestId('command-help').getByRole('option')).toHaveText([/~join/])

  await alice.composer.fill('~jion abc')
  await alice.composer.press('Enter')
  await expect(alice.page.getByTestId('command-error')).toContainText('Unknown command ~jion')
  // The failed input stays, so it can be fixed.
  await expect(alice.composer).toHaveValue('~jion abc')

  await alice.composer.fill('~join not-a-key')
  await alice.composer.press('Enter')
  await expect(alice.page.getByTestId('command-error')).toContainText('64 hex characters')
  await expect(alice.page.getByTestId('room-item')).toHaveCount(0)

  await alice.send('~create plans')
  await expect(alice.page.getByTestId('room-name')).toHaveText('plans')
  await expect(alice.page.getByTestId('command-result')).toContainText('linkup://')
  const key = await alice.page.getByTestId('room-header').getAttribute('data-room-key')

  await bob.send(`~join ${key} team-plans`)
  await expect(bob.page.getByTestId('room-name')).toHaveText('team-plans')
  await bob.waitForPeers(1)
  await bob.send('~peers')
  await expect(bob.page.getByTestId('command-result')).toContainText('Alice')
})

test('unread count and the new-messages divider', async ({ alice, bob }) => {
  await sharedRoom(alice, bob, 'general')
  await alice.send('before you left')
  await expect(bob.message('before you left')).toBeVisible()

  // Bob looks at another room while Alice writes.
  await bob.createRoom('elsewhere')
  for (const text of ['one', 'two', 'three']) await alice.send(text)
  const badge = bob.room('general').getByTestId('room-unread')
  await expect(badge).toHaveText('3')
  await expect(bob.room('elsewhere').getByTestId('room-unread')).toHaveCount(0)

  await bob.room('general').click()
  const divider = bob.page.getByTestId('new-messages-divider')
  await expect(divider).toHaveText('3 new messages')
  // The line sits right above the first unread message.
  const firstUnread = bob.message('one')
  const dividerBox = (await divider.boundingBox())!
  const firstBox = (await firstUnread.boundingBox())!
  expect(dividerBox.y).toBeLessThan(firstBox.y)
  expect(firstBox.y - (dividerBox.y + dividerBox.height)).toBeLessThan(20)
  await expect(badge).toHaveCount(0)

  // Seen: leaving and coming back shows no divider and no badge.
  await bob.room('elsewhere').click()
  await bob.room('general').click()
  await expect(bob.message('three')).toBeVisible()
  await expect(bob.page.getByTestId('new-messages-divider')).toHaveCount(0)
  await expect(bob.room('general').getByTestId('room-unread')).toHaveCount(0)
})

test('history survives a page reload and an engine restart', async ({ alice, bob }) => {
  await sharedRoom(alice, bob)
  await alice.send('first')
  await bob.send('second')
  await expect(alice.message('second')).toBeVisible()

  await alice.page.reload()
  await expect(alice.page.getByTestId('room-name')).toHaveText('general')
  await expect(alice.message('first')).toBeVisible()
  await expect(alice.message('second')).toBeVisible()

  await alice.restart()
  await expect(alice.page.getByTestId('app')).toBeVisible()
  await expect(alice.message('first')).toBeVisible()
  await expect(alice.message('second')).toBeVisible()
  await expect(alice.page.getByTestId('me')).toContainText('Alice')
})

test('message Markdown is rendered safely and links open only as http(s)', async ({
  alice,
  bob,
}) => {
  test.skip(SHELL === 'electron', 'Electron opens links in the system browser')
  await sharedRoom(alice, bob)
  const target = `http://127.0.0.1:${bob.shell.port}/opened`
  await alice.send(
    `Read [the spec](${target}), not [this](javascript:alert(1)) <img src=x onerror="alert(2)">\n\n` +
      '```js\nconst html = "<b>x</b>"\n```',
  )
  const row = bob.message('Read the spec')
  await expect(row).toBeVisible()
  await expect(row.locator('img')).toHaveCount(0)
  await expect(row.locator('a')).toHaveCount(1)
  await expect(row).toContainText('<img src=x onerror="alert(2)">')
  await expect(row.locator('code.hljs .hljs-keyword')).toHaveText('const')
  await expect(row.locator('b')).toHaveCount(0)

  const popup = bob.page.waitForEvent('popup')
  await row.getByRole('link', { name: 'the spec' }).click()
  expect((await popup).url()).toBe(target)
  // The page itself did not navigate away.
  await expect(bob.page.getByTestId('app')).toBeVisible()
})

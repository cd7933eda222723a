import { SHELL, expect, sharedRoom, test } from './fixtures'

// Text from another member, through the real renderer, that tries to fool the reader:
// links whose text names another place, bidi controls, links markdown-it refused,
// HTML, javascript: URLs, and names far longer than anything sane.

const RLO = '\u202e'
const LRI = '\u2066'
const PDI = '\u2069'

test('a link whose text names another address shows its real target and asks first', async ({
  alice,
  bob,
}) => {
  test.skip(SHELL === 'electron', 'Electron opens links in the system browser')
  await sharedRoom(alice, bob)
  const evil = `http://127.0.0.1:${alice.shell.port}/evil`
  await bob.send(
    `Log in at [https://good.example/login](${evil}) or [the docs](https://docs.example)`,
  )
  const row = alice.message('Log in at')
  const link = row.getByRole('link', { name: 'https://good.example/login' })
  await expect(link).toBeVisible()
  // The real target is written out beside the text.
  await expect(row.getByTestId('link-target')).toHaveText(`(${evil})`)
  await expect(row.getByTestId('link-target')).toBeVisible()
  // An honest link shows no extra target.
  await expect(row.getByTestId('link-target')).toHaveCount(1)

  // Enter on the link asks, naming the target; Cancel opens nothing and gives focus back.
  let popups = 0
  alice.page.on('popup', () => popups++)
  await link.focus()
  await alice.page.keyboard.press('Enter')
  const dialog = alice.page.getByTestId('link-confirm')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('link-confirm-target')).toHaveText(evil)
  await expect(dialog).toContainText('good.example')
  await alice.page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(link).toBeFocused()
  expect(popups).toBe(0)

  // Confirmed, it opens where it really goes.
  await link.click()
  const popup = alice.page.waitForEvent('popup')
  await dialog.getByTestId('link-confirm-open').click()
  expect((await popup).url()).toBe(evil)
})

test('refused links, script URLs and HTML render as plain text', async ({ alice, bob }) => {
  await sharedRoom(alice, bob)
  await bob.send(
    [
      'a [relative](/etc/passwd) b [js](javascript:alert(1)) c [app](linkup://room)',
      'd <a href="https://x.example">html</a> e <javascript:alert(2)> f [data](data:text/html,hi)',
    ].join('\n'),
  )
  const row = alice.message('relative')
  await expect(row).toBeVisible()
  // The one link is the address written out in the HTML text, linkified as itself.
  const hrefs = await row.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
  expect(hrefs).toEqual(['https://x.example'])
  await expect(row).toContainText('[relative](/etc/passwd)')
  await expect(row).toContainText('[js](javascript:alert(1))')
  await expect(row).toContainText('[app](linkup://room)')
  await expect(row).toContainText('<a href="https://x.example">html</a>')
})

test('bidi controls cannot reorder anything outside their message or file name', async ({
  alice,
  bob,
}) => {
  await sharedRoom(alice, bob)
  await bob.send(`reversed start ${RLO}abc xyz${LRI} still open`)
  await bob.page.getByTestId('file-input').setInputFiles({
    name: `invoice${RLO}fdp.exe`,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('MZ not really'),
  })
  const row = alice.message('reversed')
  const body = row.getByTestId('message-body')
  await expect(body).toHaveAttribute('dir', 'auto')
  expect(await body.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe('isolate')
  // The author's name and the time keep their place and order, left of the text.
  const author = await alice.page.getByTestId('message-author').last().boundingBox()
  const text = await body.boundingBox()
  expect(author!.y).toBeLessThan(text!.y)
  // Inside the message too, the override reorders nothing: "abc" still shows left of
  // "xyz" (an RLO left alone would show "zyx cba"), and every character is still there.
  const x = (word: string) =>
    body.evaluate((el, word) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(word)
        if (at < 0) continue
        const range = document.createRange()
        range.setStart(node, at)
        range.setEnd(node, at + word.length)
        return range.getBoundingClientRect().x
      }
      return NaN
    }, word)
  expect(await x('abc')).toBeLessThan(await x('xyz'))
  expect(await x('start')).toBeLessThan(await x('abc'))
  expect(await body.textContent()).toContain(`start ${RLO}abc xyz${LRI} still open`)

  const name = alice.page.getByTestId('file-name').last()
  await expect(name).toHaveText('invoicefdp.exe')
  const shown = await name.evaluate((el) => el.textContent ?? '')
  expect(shown).not.toMatch(new RegExp(`[${RLO}${LRI}${PDI}\u202a-\u202d\u2067\u2068]`, 'u'))
})

test('huge names, words and file names stay inside the window', async ({ alice, bob }) => {
  await sharedRoom(alice, bob)
  await bob.send(`${'W'.repeat(3000)} https://example.com/${'a'.repeat(2000)}`)
  await bob.page.getByTestId('file-input').setInputFiles({
    name: `${'long-name-'.repeat(25)}.txt`,
    mimeType: 'text/plain',
    buffer: Buffer.from('hello'),
  })
  await expect(alice.page.getByTestId('file-card')).toBeVisible()
  await expect(alice.message('WWWW')).toBeVisible()
  const timeline = alice.page.getByTestId('timeline')
  const overflow = await timeline.evaluate((el) => el.scrollWidth - el.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  const name = (await alice.page.getByTestId('file-name').last().textContent()) ?? ''
  expect([...name].length).toBeLessThanOrEqual(121)
  const page = await alice.page.evaluate(() => document.documentElement.scrollWidth)
  expect(page).toBeLessThanOrEqual(1280)
})

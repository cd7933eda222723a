import { SHELL, expect, sharedRoom, test } from './fixtures'

test.skip(SHELL === 'electron', 'seeds history through the in-process engine')

// The timeline is virtualized: a long room keeps a small DOM, starts at the newest
// message, loads older pages ahead of the reader, and keeps what you read in place as
// they come in above it.

const SEEDED = 3000

test('a long room stays small in the DOM and loads history while scrolling up', async ({
  alice,
}) => {
  await alice.onboard('Alice')
  const room = await alice.createRoom('archive')
  for (let start = 0; start < SEEDED; start += 500) {
    const batch = Array.from({ length: 500 }, (_, i) =>
      alice.node.send(room, `message ${start + i}`),
    )
    await Promise.all(batch)
  }
  // Start from the engine's history, as after a restart.
  await alice.page.reload()
  const last = alice.message(`message ${SEEDED - 1}`)
  await expect(last).toBeVisible()
  await expect(alice.page.getByTestId('timeline-start')).toHaveCount(0)

  const counts = await alice.page.evaluate(() => ({
    rows: document.querySelectorAll('[data-testid="message"]').length,
    nodes: document.querySelectorAll('*').length,
  }))
  expect(counts.rows).toBeLessThan(60)
  expect(counts.nodes).toBeLessThan(800)

  // Older history is loaded ahead of the reader, without scrolling: more than the first
  // page, before anyone asked.
  const timeline = alice.page.getByTestId('timeline')
  const loaded = async () => Number(await timeline.getAttribute('data-loaded'))
  await expect.poll(loaded).toBeGreaterThan(1000)

  // Jump to the top again and again: each time, what sits at the top stays in view while
  // older rows come in above it, until the beginning of the room.
  const topVisible = () =>
    timeline.evaluate(async (el) => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
      const top = el.getBoundingClientRect().top
      const rows = [...el.querySelectorAll('[data-testid="message"]')]
      const row = rows.find((r) => r.getBoundingClientRect().top >= top)
      return Number(row?.textContent?.match(/message (\d+)/)?.[1])
    })
  const start = alice.page.getByTestId('timeline-start')
  // The beginning of the room is on screen (not merely rendered above the view).
  const atStart = () =>
    timeline.evaluate((el) => {
      const s = el.querySelector('[data-testid="timeline-start"]')
      return !!s && s.getBoundingClientRect().bottom > el.getBoundingClientRect().top
    })
  const seen: number[] = []
  for (let round = 0; round < 20 && !(await atStart()); round++) {
    await timeline.evaluate((el) => (el.scrollTop = 0))
    const reading = await topVisible()
    seen.push(reading)
    await expect
      .poll(async () => (await atStart()) || (await timeline.evaluate((el) => el.scrollTop)) > 0)
      .toBe(true)
    await expect(alice.message(new RegExp(`^\\s*message ${reading}\\s*$`))).toBeInViewport()
  }
  await expect(start).toBeInViewport()
  await expect(alice.message(/^\s*message 0\s*$/)).toBeInViewport()
  expect(await loaded()).toBe(SEEDED)
  // It took more than one step: rows came in above the reader on the way.
  expect(seen.length).toBeGreaterThan(1)
  const after = await alice.page.evaluate(() => document.querySelectorAll('*').length)
  expect(after).toBeLessThan(800)
})

test('scrolled up: new messages wait below a jump button and a divider; sending jumps down', async ({
  alice,
  bob,
}) => {
  const room = await sharedRoom(alice, bob)
  await Promise.all(Array.from({ length: 120 }, (_, i) => alice.node.send(room, `filler ${i}`)))
  await expect(bob.message(/^\s*filler 119\s*$/)).toBeVisible()

  const timeline = bob.page.getByTestId('timeline')
  await timeline.evaluate((el) => (el.scrollTop = el.scrollHeight / 2))
  await expect(bob.page.getByTestId('jump-latest')).toBeVisible()
  await alice.send('fresh news')
  await expect(bob.page.getByTestId('jump-latest')).toHaveText(/1 new/)
  await expect(bob.message('fresh news')).not.toBeInViewport()

  await bob.page.getByTestId('jump-latest').click()
  await expect(bob.message('fresh news')).toBeInViewport()
  await expect(bob.page.getByTestId('new-messages-divider')).toHaveText('1 new message')
  await expect(bob.page.getByTestId('jump-latest')).toBeHidden()

  // Writing while scrolled up brings you back to what you wrote.
  await timeline.evaluate((el) => (el.scrollTop = el.scrollHeight / 3))
  await expect(bob.page.getByTestId('jump-latest')).toBeVisible()
  await bob.send('my answer')
  await expect(bob.message('my answer')).toBeInViewport()
  await expect(alice.message('my answer')).toBeVisible()
})

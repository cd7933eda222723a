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
  // Counts spinners put on the page while their loading line is out of view: the line
  // sits above the loaded rows, and an animation there costs every frame for nothing.
  await alice.page.addInitScript(() => {
    const w = window as unknown as { hiddenSpinners: number; spinners: number }
    w.hiddenSpinners = 0
    w.spinners = 0
    new MutationObserver((records) => {
      const list = document.querySelector('[data-testid="timeline"]')
      for (const r of records)
        for (const node of r.addedNodes) {
          if (!(node instanceof HTMLElement) || !list) continue
          const spinners = node.matches('.spinner')
            ? [node]
            : [...node.querySelectorAll('.spinner')]
          for (const sp of spinners) {
            w.spinners++
            const line = sp.parentElement!.getBoundingClientRect()
            const view = list.getBoundingClientRect()
            if (line.bottom <= view.top || line.top >= view.bottom) w.hiddenSpinners++
          }
        }
    }).observe(document, { childList: true, subtree: true })
  })
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
  // Pages came in while the loading line was far above the view: no spinner turned there.
  expect(
    await alice.page.evaluate(
      () => (window as unknown as { hiddenSpinners: number }).hiddenSpinners,
    ),
  ).toBe(0)

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

test('rows sit edge to edge in every frame of a fast scroll, even a row taller than its shape', async ({
  alice,
}) => {
  await alice.onboard('Alice')
  const room = await alice.createRoom('wraps')
  // Every 9th message is as short as the others in characters (one line, by the list's
  // reckoning: row-sizes.ts) but wraps in pixels: a row unlike its shape.
  const wide = (i: number) => `${'W'.repeat(70)} ${i}`
  for (let start = 0; start < 1500; start += 500) {
    await Promise.all(
      Array.from({ length: 500 }, (_, k) => {
        const i = start + k
        return alice.node.send(room, i % 9 === 0 ? wide(i) : `line ${i}`)
      }),
    )
  }
  await alice.page.reload()
  await expect(alice.message(/^\s*line 1499\s*$/)).toBeVisible()
  const timeline = alice.page.getByTestId('timeline')
  // All of it loaded, so the scroll below runs to the beginning without waiting for pages.
  await expect.poll(async () => Number(await timeline.getAttribute('data-loaded'))).toBe(1500)
  const result = await timeline.evaluate(async (list) => {
    const rowsNow = () =>
      [...list.querySelectorAll<HTMLElement>('.timeline-row')]
        .map((el) => ({ el, i: Number(el.dataset.index), r: el.getBoundingClientRect() }))
        .sort((a, b) => a.i - b.i)
    // Resolves where the browser is about to paint the frame: a ResizeObserver's callback
    // runs after the frame's animation callbacks and layout (and after the list's own
    // observer, made before this one). A probe is resized to have one in every frame.
    const probe = document.body.appendChild(document.createElement('div'))
    probe.style.cssText = 'position:fixed;top:0;left:0;height:1px;width:1px'
    let painted = () => {}
    new ResizeObserver(() => painted()).observe(probe)
    const atPaint = () =>
      new Promise<void>((resolve) => {
        painted = resolve
        probe.style.width = probe.style.width === '1px' ? '2px' : '1px'
      })
    const tall = (el: HTMLElement) => /W{70}/.test(el.textContent ?? '')
    // Heights at rest, of rows of the wrapped rows' shape.
    const now = rowsNow()
    const shape = now.find(({ el }) => tall(el))?.el.dataset.shape
    const heights = now
      .filter(({ el }) => el.dataset.shape === shape)
      .map(({ el, r }) => ({ tall: tall(el), h: r.height }))
    const plain = Math.max(...heights.filter((x) => !x.tall).map((x) => x.h))
    const wrapped = Math.min(...heights.filter((x) => x.tall).map((x) => x.h))
    let gaps = 0
    let tallSeen = 0
    let frames = 0
    for (let step = 0; step < 60 && list.scrollTop > 0; step++) {
      list.scrollTop = Math.max(0, list.scrollTop - list.clientHeight)
      await atPaint()
      frames++
      const rows = rowsNow()
      for (let k = 1; k < rows.length; k++) {
        if (rows[k].i !== rows[k - 1].i + 1) continue
        if (Math.abs(rows[k].r.top - rows[k - 1].r.bottom) > 1) gaps++
      }
      tallSeen += rows.filter(({ el }) => tall(el)).length
    }
    return { plain, wrapped, gaps, tallSeen, frames }
  })
  // The test means something: the wrapped rows are taller than their shape, and many of
  // them mounted while the list was scrolling.
  expect(result.wrapped).toBeGreaterThan(result.plain + 10)
  expect(result.frames).toBeGreaterThan(10)
  expect(result.tallSeen).toBeGreaterThan(50)
  expect(result.gaps).toBe(0)
})

import type { Browser } from 'playwright-core'

// The renderer benchmark's baseline for scrolling: the cheapest list of the same room
// that a browser can scroll. No framework, no stylesheet beyond a few rules, no
// measuring: a fixed pool of plain rows whose text and position are set by hand on each
// scroll event, in a box of the timeline's size showing the same text at the same line
// height. Scrolled with the very same step loop as LinkUp's timeline, it tells how many
// frames this browser on this machine drops for nothing but a screen of new text each
// frame: what is left above it is LinkUp's own cost.

/** A plain row: one line of 21 px and the message's padding, as timeline.css draws it. */
const ROW_PX = 23

/** The list's box and the text each row shows, as in LinkUp's timeline. */
export interface PlainListSpec {
  rows: number
  box: { x: number; y: number; width: number; height: number }
  /** The text of row i: kept the same as the room the timeline shows. */
  text: string
  viewport: { width: number; height: number }
}

/** Opens the plain list in a fresh context, scrolled to its end; returns it to close. */
export async function openPlainList(
  browser: Browser,
  spec: PlainListSpec,
): Promise<{ page: import('playwright-core').Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: spec.viewport })
  const page = await context.newPage()
  await page.setContent('<!doctype html><title>plain list</title><body></body>')
  // As a string with its own __name: tsx names functions with a helper the page lacks.
  const args = JSON.stringify({ ...spec, rowPx: ROW_PX })
  await page.evaluate(
    `(() => { var __name = (f) => f; return (${buildInPage.toString()})(${args}) })()`,
  )
  return { page, close: () => context.close() }
}

function buildInPage(spec: PlainListSpec & { rowPx: number }): void {
  const { rows, box, rowPx, text } = spec
  const style = document.createElement('style')
  style.textContent = `
    body { margin: 0; font: 14.5px/21px system-ui, sans-serif; }
    .list { position: absolute; overflow-y: auto; contain: strict; }
    .inner { position: relative; }
    .row { position: absolute; left: 0; right: 0; top: 0; padding: 1px 20px 1px 68px; }`
  document.head.appendChild(style)
  const list = document.createElement('div')
  list.className = 'list'
  list.setAttribute('data-testid', 'timeline')
  list.setAttribute('data-loaded', String(rows))
  Object.assign(list.style, {
    left: `${box.x}px`,
    top: `${box.y}px`,
    width: `${box.width}px`,
    height: `${box.height}px`,
  })
  const inner = document.createElement('div')
  inner.className = 'inner'
  inner.style.height = `${rows * rowPx}px`
  // The scroll loop stops once this is in the document and the list is at its top.
  const start = document.createElement('div')
  start.setAttribute('data-testid', 'timeline-start')
  inner.appendChild(start)
  const pool: HTMLDivElement[] = []
  const count = Math.ceil(box.height / rowPx) + 4
  for (let k = 0; k < count; k++) {
    const row = document.createElement('div')
    row.className = 'row'
    inner.appendChild(row)
    pool.push(row)
  }
  list.appendChild(inner)
  document.body.appendChild(list)
  const draw = () => {
    const first = Math.max(0, Math.floor(list.scrollTop / rowPx) - 2)
    for (let k = 0; k < pool.length; k++) {
      const i = Math.min(rows - 1, first + k)
      pool[k].style.transform = `translateY(${i * rowPx}px)`
      pool[k].textContent = text.replace('{i}', String(i))
    }
  }
  list.addEventListener('scroll', draw)
  list.scrollTop = rows * rowPx
  draw()
}

import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import {
  DEFAULT_WINDOW_STATE,
  WINDOW_STATE_FILE,
  fitToDisplays,
  loadWindowState,
  parseWindowState,
  saveWindowState,
} from '../../src/main/window-state'

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'linkup-window-state-'))
  dirs.push(dir)
  return dir
}
after(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))))

const LAPTOP = { x: 0, y: 0, width: 1440, height: 875 }
const RIGHT_MONITOR = { x: 1440, y: -200, width: 2560, height: 1400 }

test('valid states parse; anything else is rejected', () => {
  assert.deepEqual(
    parseWindowState({ version: 1, x: 10, y: 20, width: 800, height: 600, maximized: true }),
    {
      x: 10,
      y: 20,
      width: 800,
      height: 600,
      maximized: true,
    },
  )
  assert.deepEqual(parseWindowState({ version: 1, width: 800, height: 600 }), {
    width: 800,
    height: 600,
    maximized: false,
  })
  const bad: unknown[] = [
    null,
    'x',
    [],
    {},
    { width: 800, height: 600 }, // no version
    { version: 2, width: 800, height: 600 },
    { version: 1, width: 100, height: 600 }, // below the minimum
    { version: 1, width: 800, height: 1e9 },
    { version: 1, width: 800.5, height: 600 },
    { version: 1, width: '800', height: 600 },
    { version: 1, width: NaN, height: 600 },
    { version: 1, width: 800, height: Infinity },
    { version: 1, x: 10, width: 800, height: 600 }, // x without y
    { version: 1, x: 1e12, y: 0, width: 800, height: 600 },
    { version: 1, width: 800, height: 600, maximized: 'yes' },
  ]
  for (const raw of bad) assert.equal(parseWindowState(raw), null, JSON.stringify(raw))
})

test('a window on a present display keeps its place', () => {
  const state = { x: 1600, y: 0, width: 1200, height: 800, maximized: false }
  assert.deepEqual(fitToDisplays(state, [LAPTOP, RIGHT_MONITOR]), state)
})

test('a window hanging off a display edge is moved fully onto it', () => {
  const fitted = fitToDisplays({ x: 1000, y: 500, width: 1000, height: 700, maximized: false }, [
    LAPTOP,
  ])
  assert.deepEqual(fitted, { x: 440, y: 175, width: 1000, height: 700, maximized: false })
})

test('a window too large for its display is shrunk to it', () => {
  const fitted = fitToDisplays({ x: 0, y: 0, width: 3000, height: 2000, maximized: true }, [LAPTOP])
  assert.deepEqual(fitted, { x: 0, y: 0, width: 1440, height: 875, maximized: true })
})

test('a window left on an unplugged monitor opens centred on the primary display', () => {
  const state = { x: 1600, y: 0, width: 1200, height: 800, maximized: false }
  assert.deepEqual(fitToDisplays(state, [LAPTOP]), { width: 1200, height: 800, maximized: false })
  // Barely overlapping (a sliver of 50 px) counts as lost too.
  const sliver = { x: 1390, y: 100, width: 1200, height: 700, maximized: false }
  assert.deepEqual(fitToDisplays(sliver, [LAPTOP]), { width: 1200, height: 700, maximized: false })
})

test('negative coordinates on a display left of the primary are fine', () => {
  const left = { x: -1920, y: 0, width: 1920, height: 1040 }
  const state = { x: -1800, y: 100, width: 1000, height: 700, maximized: false }
  assert.deepEqual(fitToDisplays(state, [LAPTOP, left]), state)
})

test('no position saved: size fitted to the primary display', () => {
  assert.deepEqual(
    fitToDisplays(DEFAULT_WINDOW_STATE, [{ x: 0, y: 0, width: 1024, height: 600 }]),
    {
      width: 1024,
      height: 600,
      maximized: false,
    },
  )
  assert.deepEqual(fitToDisplays(DEFAULT_WINDOW_STATE, []), DEFAULT_WINDOW_STATE)
})

test('save then load round-trips, atomically, with no temp files left', async () => {
  const dir = await tempDir()
  assert.equal(await loadWindowState(dir), null, 'no file yet')
  const state = { x: 12, y: 34, width: 900, height: 700, maximized: true }
  await saveWindowState(dir, state)
  assert.deepEqual(await loadWindowState(dir), state)
  assert.deepEqual(await fs.readdir(dir), [WINDOW_STATE_FILE])
  const text = await fs.readFile(path.join(dir, WINDOW_STATE_FILE), 'utf8')
  assert.deepEqual(JSON.parse(text), { version: 1, ...state })
})

test('a corrupt or hostile file is ignored, and an invalid state never overwrites a good one', async () => {
  const dir = await tempDir()
  const file = path.join(dir, WINDOW_STATE_FILE)
  await fs.writeFile(file, '{"version":1,"width":')
  assert.equal(await loadWindowState(dir), null)
  await fs.writeFile(
    file,
    JSON.stringify({ version: 1, width: 800, height: 600, __proto__: { x: 1 } }),
  )
  assert.deepEqual(await loadWindowState(dir), { width: 800, height: 600, maximized: false })

  await saveWindowState(dir, { x: 1, y: 2, width: 800, height: 600, maximized: false })
  await saveWindowState(dir, { x: 1, y: 2, width: 10, height: 10, maximized: false })
  assert.deepEqual(await loadWindowState(dir), {
    x: 1,
    y: 2,
    width: 800,
    height: 600,
    maximized: false,
  })
})

import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../core/atomic'
import { MIN_WINDOW_HEIGHT, MIN_WINDOW_WIDTH, type WindowBounds } from './security'

// The main window's size and position, remembered in the data folder. The file is
// validated on read (a bad one is ignored, never trusted) and the bounds are fitted to
// the displays present now, so a window closed on an unplugged monitor comes back visible.

export const WINDOW_STATE_FILE = 'window-state.json'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState extends WindowBounds {
  maximized: boolean
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1100, height: 760, maximized: false }

/** How much of the window must show on some display for its saved position to be kept. */
const MIN_VISIBLE_PX = 100
const MAX_COORD = 100_000

const coord = z.number().int().min(-MAX_COORD).max(MAX_COORD)
const WindowStateSchema = z
  .object({
    version: z.literal(1),
    x: coord.optional(),
    y: coord.optional(),
    width: z.number().int().min(MIN_WINDOW_WIDTH).max(MAX_COORD),
    height: z.number().int().min(MIN_WINDOW_HEIGHT).max(MAX_COORD),
    maximized: z.boolean().default(false),
  })
  .refine((s) => (s.x === undefined) === (s.y === undefined), 'x and y come together')

/** The state in a parsed file, or null when it is not a valid window state. */
export function parseWindowState(raw: unknown): WindowState | null {
  const parsed = WindowStateSchema.safeParse(raw)
  if (!parsed.success) return null
  const { x, y, width, height, maximized } = parsed.data
  return x === undefined || y === undefined
    ? { width, height, maximized }
    : { x, y, width, height, maximized }
}

/**
 * Fits saved bounds to the displays' work areas: keeps the position when enough of the
 * window shows on the display it overlaps most (moved fully onto it, size capped to it);
 * otherwise drops the position so the window opens centred on the primary display.
 * `workAreas[0]` is the primary display.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (workAreas.length === 0) return state
  const fitSize = (area: Rect) => ({
    width: Math.max(Math.min(state.width, area.width), Math.min(MIN_WINDOW_WIDTH, area.width)),
    height: Math.max(Math.min(state.height, area.height), Math.min(MIN_WINDOW_HEIGHT, area.height)),
  })
  const primary = { ...fitSize(workAreas[0]), maximized: state.maximized }
  if (state.x === undefined || state.y === undefined) return primary

  const rect = { x: state.x, y: state.y, width: state.width, height: state.height }
  let best: Rect | null = null
  let bestOverlap: { width: number; height: number } | null = null
  for (const area of workAreas) {
    const overlap = intersection(rect, area)
    if (!bestOverlap || overlap.width * overlap.height > bestOverlap.width * bestOverlap.height) {
      best = area
      bestOverlap = overlap
    }
  }
  if (
    !best ||
    !bestOverlap ||
    bestOverlap.width < MIN_VISIBLE_PX ||
    bestOverlap.height < MIN_VISIBLE_PX
  ) {
    return primary
  }
  const size = fitSize(best)
  const x = clamp(state.x, best.x, best.x + best.width - size.width)
  const y = clamp(state.y, best.y, best.y + best.height - size.height)
  return { x, y, ...size, maximized: state.maximized }
}

export async function loadWindowState(storage: string): Promise<WindowState | null> {
  try {
    const text = await fs.readFile(path.join(storage, WINDOW_STATE_FILE), 'utf8')
    return parseWindowState(JSON.parse(text))
  } catch {
    return null // missing or unreadable: the window opens with the defaults
  }
}

export async function saveWindowState(storage: string, state: WindowState): Promise<void> {
  const valid = parseWindowState({ version: 1, ...state })
  if (!valid) return // e.g. a window smaller than the minimum while minimised: keep the old file
  await writeFileAtomic(
    path.join(storage, WINDOW_STATE_FILE),
    JSON.stringify({ version: 1, ...valid }) + '\n',
  )
}

function intersection(a: Rect, b: Rect): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return { width: Math.max(0, width), height: Math.max(0, height) }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max))
}

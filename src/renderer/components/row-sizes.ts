import { measureElement, type Virtualizer } from '@tanstack/react-virtual'
import type { TimelineEntry } from '../../shared/types'
import { dayNumber } from '../format'

// Row grouping and row heights for the virtualized timeline.
// A row measured at a height other than its estimate moves every row after it: the
// virtualizer recomputes their offsets and, above the view, corrects the scroll position,
// which forces another layout in the same frame. Scrolling through history mounts a
// screen of unmeasured rows every frame, so estimates must be right the first time.
// Rows of one shape (a continuation line, a row with its author, a day separator...)
// have one height in a given window and theme: the first measured row of each shape
// teaches the estimate for all the others.

const GROUP_GAP_MS = 5 * 60 * 1000
/** Until a row of the shape has been measured (px, as timeline.css draws them). */
const CONTINUATION_PX = 23
const HEAD_PX = 55
const DAY_PX = 43
const NEW_LINE_PX = 31
const LINE_PX = 21
/** A rough count of characters per wrapped line: only tells shapes apart. */
const CHARS_PER_LINE = 80

export interface Grouping {
  /** First of a run by one author: shows avatar, name and time. */
  head: boolean
  /** First entry of a calendar day: a day separator goes above it. */
  day: boolean
}

export function grouping(
  prev: TimelineEntry | undefined,
  entry: TimelineEntry,
  isNew: boolean,
): Grouping {
  const day = !prev || dayNumber(prev.time) !== dayNumber(entry.time)
  const head =
    !prev ||
    day ||
    isNew ||
    prev.author !== entry.author ||
    prev.kind !== 'text' ||
    entry.time - prev.time > GROUP_GAP_MS
  return { head, day }
}

/**
 * What a row's height depends on, as far as it can be told without drawing it; '' for a
 * row like no other (a file card, Markdown with structure, a long text), which is
 * estimated but teaches nothing.
 */
export function rowShape(entry: TimelineEntry, g: Grouping, isNew: boolean): string {
  let body: string
  if (entry.deleted) body = 'deleted'
  else if (entry.kind !== 'text') return ''
  else if (MARKUP.test(entry.text) || entry.text.length > 4 * CHARS_PER_LINE) return ''
  else body = `text:${Math.ceil(entry.text.length / CHARS_PER_LINE)}`
  const extras =
    (entry.replyTo ? 'r' : '') +
    (entry.reactions?.length ? 'x' : '') +
    (entry.late ? 'l' : '') +
    (entry.edited ? 'e' : '') +
    (entry.mentioned ? 'm' : '') +
    (entry.authorBot ? 'b' : '') +
    (entry.own && entry.delivery ? 'd' : '')
  return `${g.head ? 'h' : 'c'}${g.day ? 'D' : ''}${isNew ? 'N' : ''}|${extras}|${body}`
}

/** Text that may render as more than a paragraph of plain words (or as big emoji). */
const MARKUP = /[\n`#>|*_~[\]<-]|^\s*\d+[.)]|\p{Extended_Pictographic}/u

export interface RowShape extends Grouping {
  isNew: boolean
  shape: string
}

interface Cached extends RowShape {
  prev: TimelineEntry | undefined
}

/** Heights told apart per shape; a shape with more is beyond estimating anyway. */
const HEIGHTS_PER_SHAPE = 8

export class RowSizes {
  /** The height most rows of each shape were measured at. */
  private readonly learned = new Map<string, number>()
  /**
   * How often each height was measured, per shape: the rare row unlike its shape (a
   * short text that still wraps) must not teach its height to all the others.
   */
  private readonly tallies = new Map<string, Map<number, number>>()
  /**
   * By entry object (an edit or a reaction replaces it): every append to the window has
   * the virtualizer estimate each row not measured yet, thousands of them.
   */
  private readonly shapes = new WeakMap<TimelineEntry, Cached>()

  /** Grouping and shape of `entry` shown after `prev`. */
  shapeOf(entry: TimelineEntry, prev: TimelineEntry | undefined, isNew: boolean): RowShape {
    const hit = this.shapes.get(entry)
    if (hit && hit.prev === prev && hit.isNew === isNew) return hit
    const g = grouping(prev, entry, isNew)
    const cached = { ...g, isNew, prev, shape: rowShape(entry, g, isNew) }
    this.shapes.set(entry, cached)
    return cached
  }

  /** Whether rows of `shape` have been measured (at this width). */
  knows(shape: string | undefined): boolean {
    return !!shape && this.learned.has(shape)
  }

  /** The list's width changed: what was measured no longer holds. */
  forget(): void {
    this.learned.clear()
    this.tallies.clear()
  }

  /** Counts a measured height of a row of `shape`. */
  learn(shape: string, size: number): void {
    let tally = this.tallies.get(shape)
    if (!tally) this.tallies.set(shape, (tally = new Map()))
    const count = (tally.get(size) ?? 0) + 1
    if (count === 1 && tally.size >= HEIGHTS_PER_SHAPE) return
    tally.set(size, count)
    const known = this.learned.get(shape)
    if (known === undefined || count > (tally.get(known) ?? 0)) this.learned.set(shape, size)
  }

  estimate(entry: TimelineEntry, row: RowShape): number {
    const { shape, isNew } = row
    const g = row
    const known = shape ? this.learned.get(shape) : undefined
    if (known !== undefined) return known
    const lines =
      entry.kind === 'text' ? Math.max(1, Math.ceil(entry.text.length / CHARS_PER_LINE)) : 3
    const base = g.head ? HEAD_PX : CONTINUATION_PX
    return base + (lines - 1) * LINE_PX + (g.day ? DAY_PX : 0) + (isNew ? NEW_LINE_PX : 0)
  }

  /**
   * The virtualizer's measureElement, teaching the estimate of the measured row's shape.
   * A row of a shape already measured is taken at that height as it mounts, without
   * reading the layout in the middle of React's commit (which would lay the page out
   * there and then, before the frame does); row-watch.ts checks it before it is painted.
   */
  measure = (
    el: Element,
    entry: ResizeObserverEntry | undefined,
    instance: Virtualizer<HTMLDivElement, Element>,
  ): number => {
    const shape = (el as HTMLElement).dataset.shape
    if (!entry && shape) {
      const known = this.learned.get(shape)
      if (known !== undefined) return known
    }
    const size = measureElement(el, entry, instance)
    if (shape) this.learn(shape, size)
    return size
  }
}

import { useVirtualizer } from '@tanstack/react-virtual'
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactElement,
} from 'react'
import type { RoomInfo, TimelineEntry } from '../../shared/types'
import { useAppState, useStore, useTimeline } from '../store/hooks'
import { Icon } from './icons'
import { LinkConfirm, type LinkQuestion } from './LinkConfirm'
import { MessageRow, type RowActions } from './MessageRow'
import { useScrollKeeper } from './scroll-keeper'
import { RowSizes } from './row-sizes'
import { RowWatch } from './row-watch'
import { timelineKey } from './timeline-keys'
import { useTimelineFollow } from './timeline-follow'
import { useTimelineJumps } from './timeline-jumps'
import { useTimelineWindow } from './timeline-window'
import { TimelineStart } from './TimelineStart'

// The loaded part of a room's timeline as a virtualized list: only the rows in view
// (plus a small overscan) exist in the DOM, and the virtualizer itself only sees a
// window of the loaded entries (timeline-window.ts), so 100,000 loaded entries scroll
// like 3,000. Older pages are loaded well ahead of the reader. A fast scroll mounts a
// screen of new rows every frame: their heights are estimated right the first time
// (row-sizes.ts) and checked before they are painted (row-watch.ts), and plain text
// skips the Markdown parser (markdown.ts).
// Where the reader stays as rows arrive is scroll-keeper.ts's job. The "beginning of
// the room" / loading header is not a row but the list's top padding, so the top row
// is always a message the reader's place can be kept by.
// For assistive technology the list is an ARIA log: new messages are announced
// politely while the reader is at the end; while they read back through history, rows
// that mount because of scrolling are not news, so the log is quiet then. By keyboard
// the list is one Tab stop: PageUp/PageDown/Home/End scroll it (Home to the top of
// the window, which then slides up), ↑/↓ move between
// messages, and Tab from a message reaches its actions (timeline-keys.ts). Loading and
// sliding as the reader moves is timeline-follow.ts; jumps are timeline-jumps.ts.

const HEADER_ESTIMATE_PX = 64
/** Room below the newest row. */
const END_PADDING_PX = 10

export function TimelineList(props: {
  room: RoomInfo
  editingId: string | null
  onEdit: (entry: TimelineEntry) => void
  /** The list's size as the loading line before it was laid out, if it was. */
  initialSize?: { width: number; height: number } | null
}): ReactElement {
  const { room } = props
  const store = useStore()
  const timeline = store.timeline(room.key)
  const version = useTimeline(timeline)
  const divider = useAppState((s) => (s.divider?.room === room.key ? s.divider : null))
  const jumped = useAppState((s) => s.jumped)
  const scrollRef = useRef<HTMLDivElement>(null)
  const entries = timeline.entries
  const win = useTimelineWindow(entries)
  const { lo, hi } = win
  const count = hi - lo
  // The window's rows, a copy only when the window or the timeline changed.
  const rows = useMemo(() => entries.slice(lo, hi), [entries, version, lo, hi])
  const [headerHeight, setHeaderHeight] = useState(HEADER_ESTIMATE_PX)
  const header = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    const el = header.current
    if (!el) return
    const observer = new ResizeObserver(() => setHeaderHeight(el.offsetHeight))
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  const dividerAt = useMemo(() => {
    if (!divider) return -1
    for (let i = timeline.upperBound(divider.after); i < entries.length; i++)
      if (!entries[i].own) return i
    return -1
  }, [divider, entries, version, timeline])
  const dividerIndex = dividerAt - lo
  const newCount = useMemo(() => {
    if (dividerAt < 0 || !divider) return 0
    // No more entries after the line than the engine counted unread: its count stands,
    // without a pass over up to 100,000 entries each time a page or a message lands.
    if (entries.length - dividerAt <= divider.unread) return divider.unread
    let n = 0
    for (let i = dividerAt; i < entries.length; i++) if (!entries[i].own) n++
    return Math.max(n, divider.unread)
  }, [dividerAt, divider, entries, version])

  // Changes identity only when the window's rows do, so the virtualizer does not
  // recompute its measurements when a page lands outside the window or a row updates.
  const rowsRef = useRef(rows)
  rowsRef.current = rows
  // The entry before the window: its first row groups with it like any other.
  const beforeRef = useRef<TimelineEntry | undefined>(undefined)
  beforeRef.current = lo > 0 ? entries[lo - 1] : undefined
  const getItemKey = useCallback(
    (i: number) => rowsRef.current[i].id,
    [count, rows[0]?.id, rows[count - 1]?.id],
  )
  const sizes = useMemo(() => new RowSizes(), [])
  const watch = useMemo(() => new RowWatch(sizes), [sizes])
  const dividerRef = useRef(dividerIndex)
  dividerRef.current = dividerIndex
  const shapeOf = useCallback(
    (i: number) => {
      const list = rowsRef.current
      return sizes.shapeOf(
        list[i],
        i > 0 ? list[i - 1] : beforeRef.current,
        i === dividerRef.current,
      )
    },
    [sizes],
  )
  const estimateSize = useCallback(
    (i: number) => {
      return sizes.estimate(rowsRef.current[i], shapeOf(i))
    },
    [sizes, shapeOf],
  )

  const initialRect = useRef(
    props.initialSize ?? { width: window.innerWidth, height: window.innerHeight },
  )
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    measureElement: sizes.measure,
    // One row beyond each edge: enough for ↑/↓ to reach the next message
    // (timeline-keys.ts); every row more is one more to mount in each frame of a fast scroll.
    overscan: 1,
    // The list's size before it is measured (the loading line's, or else the window's),
    // so the very first render already holds the rows in view rather than none and a
    // second pass.
    initialRect: initialRect.current,
    paddingStart: headerHeight,
    paddingEnd: END_PADDING_PX,
    // Mounted once the first page is in: start at the end, so the first frame already
    // holds the newest rows instead of the oldest ones and a jump.
    initialOffset: () => {
      let total = HEADER_ESTIMATE_PX + END_PADDING_PX
      for (let i = 0; i < count; i++) total += estimateSize(i)
      return Math.max(0, total - initialRect.current.height)
    },
  })

  // Which rows are observed for their height, and the check of those that are not
  // (row-watch.ts): after every commit.
  watch.virtualizer = virtualizer
  const inner = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => watch.afterCommit(inner.current, rowsRef.current))
  useEffect(() => (scrollRef.current ? watch.watchWidth(scrollRef.current) : undefined), [watch])

  // On mount (the first page is in): start at the first unread message, or the newest.
  useLayoutEffect(() => {
    const el = scrollRef.current
    if (dividerIndex > 0) virtualizer.scrollToIndex(dividerIndex, { align: 'center' })
    else if (el && count > 0) virtualizer.scrollToEnd()
  }, [])

  const onMove = useTimelineFollow({ room, store, timeline, version, win, virtualizer, scrollRef })
  const onAtEnd = useCallback(() => store.noteSeen(room.key), [store, room.key])
  const { onScroll, awayFromEnd } = useScrollKeeper({
    virtualizer,
    scrollRef,
    entries: rows,
    atNewest: win.atNewest,
    store,
    onMove,
    onAtEnd,
  })

  const latest = useTimelineJumps({ store, entries, rows, win, virtualizer })

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && store.atBottom) store.noteSeen(room.key)
    }
    document.addEventListener('visibilitychange', onVisible)
    return () => document.removeEventListener('visibilitychange', onVisible)
  }, [store, room.key])

  const [question, setQuestion] = useState<LinkQuestion | null>(null)
  const actions = useMemo<RowActions>(
    () => ({
      edit: props.onEdit,
      remove: (entry) => store.remove(room.key, entry.id).catch((err) => console.error(err)),
      openLink: (url, deceptive) => {
        if (deceptive) setQuestion({ url, why: deceptive })
        else void store.api.openLink({ url })
      },
      reply: (entry) => store.setReplying(room.key, entry),
      react: (entry, emoji) =>
        void store.react(room.key, entry.id, emoji).catch((err) => console.error(err)),
    }),
    [props.onEdit, store, room.key],
  )

  const onKeyDown = useCallback(
    (ev: KeyboardEvent<HTMLDivElement>) => {
      const el = scrollRef.current
      if (!el || !timelineKey(ev, el, entries.length)) return
      ev.preventDefault()
      if (ev.key === 'End') latest()
    },
    [entries, version],
  )

  const items = virtualizer.getVirtualItems()

  return (
    <div className="timeline-wrap">
      <div
        className="timeline"
        ref={scrollRef}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        data-testid="timeline"
        data-loaded={entries.length}
        tabIndex={0}
        role="log"
        aria-label={`Messages in ${room.name}`}
        aria-live={awayFromEnd ? 'off' : 'polite'}
        aria-relevant="additions"
      >
        <div className="timeline-inner" ref={inner} style={{ height: virtualizer.getTotalSize() }}>
          <div className="timeline-header" ref={header}>
            <TimelineStart
              room={room}
              loading={timeline.loading || lo > 0}
              more={lo > 0 || timeline.hasMore || !timeline.loaded}
            />
          </div>
          {items.map((item) => {
            const i = item.index
            const entry = rows[i]
            const { head, day, isNew, shape } = shapeOf(i)
            return (
              <div
                key={item.key}
                data-index={i}
                data-key={item.key}
                data-shape={shape || undefined}
                className="timeline-row"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <MessageRow
                  entry={entry}
                  head={head}
                  day={day}
                  newCount={isNew ? newCount : null}
                  editing={entry.id === props.editingId}
                  jumped={entry.id === jumped}
                  actions={actions}
                />
              </div>
            )
          })}
        </div>
      </div>
      {awayFromEnd ? (
        <button className="jump-latest" data-testid="jump-latest" onClick={() => latest()}>
          <Icon name="down" size={15} />
          {room.unread > 0 ? `${room.unread} new` : 'Latest'}
        </button>
      ) : null}
      {question ? (
        <LinkConfirm
          question={question}
          onOpen={() => {
            setQuestion(null)
            void store.api.openLink({ url: question.url })
          }}
          onClose={() => setQuestion(null)}
        />
      ) : null}
    </div>
  )
}

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
import { dayNumber } from '../format'
import { useAppState, useStore, useTimeline } from '../store/hooks'
import { Icon } from './icons'
import { LinkConfirm, type LinkQuestion } from './LinkConfirm'
import { MessageRow, type RowActions } from './MessageRow'
import { useScrollKeeper } from './scroll-keeper'
import { timelineKey } from './timeline-keys'
import { TimelineStart } from './TimelineStart'

// The loaded part of a room's timeline as a virtualized list: only the rows in view
// (plus a small overscan) exist in the DOM, so 100,000 loaded entries scroll like 100.
// Where the reader stays as rows arrive is scroll-keeper.ts's job. The "beginning of
// the room" / loading header is not a row but the list's top padding, so the top row
// is always a message the reader's place can be kept by.
// For assistive technology the list is an ARIA log: new messages are announced
// politely while the reader is at the end; while they read back through history, rows
// that mount because of scrolling are not news, so the log is quiet then. By keyboard
// the list is one Tab stop: PageUp/PageDown/Home/End scroll it, ↑/↓ move between
// messages, and Tab from a message reaches its actions (timeline-keys.ts).

const GROUP_GAP_MS = 5 * 60 * 1000
const LOAD_MORE_PX = 600
/** Average row height before measuring: a one-line continuation is ~23 px, a head ~50. */
const ROW_ESTIMATE_PX = 28
const HEADER_ESTIMATE_PX = 64

export function TimelineList(props: {
  room: RoomInfo
  editingId: string | null
  onEdit: (entry: TimelineEntry) => void
}): ReactElement {
  const { room } = props
  const store = useStore()
  const timeline = store.timeline(room.key)
  const version = useTimeline(timeline)
  const divider = useAppState((s) => (s.divider?.room === room.key ? s.divider : null))
  const jumped = useAppState((s) => s.jumped)
  const scrollRef = useRef<HTMLDivElement>(null)
  const entries = timeline.entries
  const count = entries.length
  const [headerHeight, setHeaderHeight] = useState(HEADER_ESTIMATE_PX)
  const header = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    const el = header.current
    if (!el) return
    const observer = new ResizeObserver(() => setHeaderHeight(el.offsetHeight))
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  // Changes identity only when the timeline does, so the virtualizer does not
  // recompute 100,000 measurements on every scroll-driven render.
  const getItemKey = useCallback((i: number) => entries[i].id, [entries, version])
  const estimateSize = useCallback(() => ROW_ESTIMATE_PX, [])

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    overscan: 6,
    paddingStart: headerHeight,
    // Mounted once the first page is in: start at the end, so the first frame already
    // holds the newest rows instead of the oldest ones and a jump.
    initialOffset: () =>
      Math.max(0, HEADER_ESTIMATE_PX + count * ROW_ESTIMATE_PX - window.innerHeight),
  })

  const dividerIndex = useMemo(() => {
    if (!divider) return -1
    for (let i = timeline.upperBound(divider.after); i < entries.length; i++)
      if (!entries[i].own) return i
    return -1
  }, [divider, entries, version, timeline])
  const newCount = useMemo(() => {
    if (dividerIndex < 0 || !divider) return 0
    let n = 0
    for (let i = dividerIndex; i < entries.length; i++) if (!entries[i].own) n++
    return Math.max(n, divider.unread)
  }, [dividerIndex, divider, entries, version])

  // On mount (the first page is in): start at the first unread message, or the newest.
  useLayoutEffect(() => {
    const el = scrollRef.current
    if (dividerIndex > 0) virtualizer.scrollToIndex(dividerIndex, { align: 'center' })
    else if (el && count > 0) {
      el.scrollTop = el.scrollHeight
      virtualizer.scrollToIndex(count - 1, { align: 'end' })
    }
  }, [])

  const loadIfNearTop = useCallback(() => {
    const el = scrollRef.current
    if (el && el.scrollTop < LOAD_MORE_PX && timeline.hasMore && !timeline.loading) {
      void store.loadOlder(room.key)
    }
  }, [store, room.key, timeline])

  const onAtEnd = useCallback(() => store.noteSeen(room.key), [store, room.key])
  const { onScroll, awayFromEnd } = useScrollKeeper({
    virtualizer,
    scrollRef,
    entries,
    version,
    store,
    onNearTop: loadIfNearTop,
    onAtEnd,
  })

  // New entries and finished pages: mark them read if the reader is at the end, and
  // keep loading while a short page still leaves the top in view.
  useEffect(() => {
    if (store.atBottom) store.noteSeen(room.key)
    loadIfNearTop()
  }, [version, room.unread, store, room.key, loadIfNearTop])

  const latest = useRef(() => {})
  latest.current = () => {
    if (count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' })
  }
  useEffect(() => {
    store.jumpToLatest = () => latest.current()
    return () => {
      store.jumpToLatest = () => {}
    }
  }, [store])

  // Jumps to a loaded entry (reply quotes, search hits): the store loads it first.
  const toEntry = useRef((_id: string) => {})
  toEntry.current = (id) => {
    const i = entries.findIndex((e) => e.id === id)
    if (i >= 0) virtualizer.scrollToIndex(i, { align: 'center' })
  }
  useEffect(() => {
    store.scrollToEntry = (id) => toEntry.current(id)
    return () => {
      store.scrollToEntry = () => {}
    }
  }, [store])

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
      if (!el || !timelineKey(ev, el, count)) return
      ev.preventDefault()
      if (ev.key === 'End') latest.current()
    },
    [count],
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
        data-loaded={count}
        tabIndex={0}
        role="log"
        aria-label={`Messages in ${room.name}`}
        aria-live={awayFromEnd ? 'off' : 'polite'}
        aria-relevant="additions"
      >
        <div className="timeline-inner" style={{ height: virtualizer.getTotalSize() }}>
          <div className="timeline-header" ref={header}>
            <TimelineStart
              room={room}
              loading={timeline.loading}
              more={timeline.hasMore || !timeline.loaded}
            />
          </div>
          {items.map((item) => {
            const i = item.index
            const entry = entries[i]
            const prev = entries[i - 1]
            const day = !prev || dayNumber(prev.time) !== dayNumber(entry.time)
            const isNew = i === dividerIndex
            const head =
              !prev ||
              day ||
              isNew ||
              prev.author !== entry.author ||
              prev.kind !== 'text' ||
              entry.time - prev.time > GROUP_GAP_MS
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
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
        <button className="jump-latest" data-testid="jump-latest" onClick={() => latest.current()}>
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

import type { LinkupApi } from '../../shared/ipc'
import type {
  CommandResult,
  Member,
  Profile,
  RoomInfo,
  SyncProgress,
  TimelineEntry,
} from '../../shared/types'
import { RoomTimeline } from './timeline'
import { onIdle } from './idle'

// Everything the UI knows, fed by LinkupApi replies and engine events. Plain state
// with subscribe/getState for useSyncExternalStore; timelines live beside it, one
// mutable RoomTimeline per room, so a busy room does not re-render the sidebar.

export type ShellStatus = 'connecting' | 'open' | 'closed'

/** Where the "N new messages" line sits in the open room. */
export interface Divider {
  room: string
  /** The line goes before the first entry by someone else with order > after. */
  after: string
  /** Unread count when the line was placed (covers history not loaded yet). */
  unread: number
}

export interface AppState {
  ready: boolean
  fatal: string | null
  profile: Profile | null
  named: boolean
  online: boolean
  rooms: RoomInfo[]
  active: string | null
  sync: Record<string, SyncProgress>
  members: Record<string, Member[]>
  divider: Divider | null
  shell: ShellStatus
  /** The message the composer replies to, per room. */
  replying: Record<string, TimelineEntry | null>
  /** Who is typing, per room (ephemeral, from the engine). */
  typing: Record<string, Array<{ key: string; name: string }>>
  /** The entry a jump (reply quote, search hit) landed on, briefly highlighted. */
  jumped: string | null
}

/**
 * The first page is a screen or two, so the room paints fast; the timeline then loads
 * older pages, bigger, ahead of the reader (TimelineList).
 */
export const FIRST_PAGE_SIZE = 100
export const OLDER_PAGE_SIZE = 500
/** Unread counts come from the engine; a burst of arrivals asks for them once. */
const ROOMS_REFRESH_MS = 60
const ACTIVE_KEY = 'linkup.activeRoom'
const MEMBER_SETTLE_MS = 500
/** The member list waits at most this long after the first page for an idle moment. */
const MEMBERS_AFTER_PAGE_MS = 250
/** Renames and writers found by gossip have no event: the open room's list is re-read. */
const MEMBERS_REFRESH_MS = 5000
/** A burst of room updates (arrivals, moderation) re-reads the member list once. */
const MEMBERS_SOON_MS = 250
/** The composer tells the engine about keystrokes at most this often (it rate-limits too). */
const TYPING_NOTIFY_MS = 1000
/** Entries a room's timeline holds in the renderer before its oldest are let go. */
const RENDERER_WINDOW_MAX = 5000
const RENDERER_WINDOW_KEEP = 2000
/** A jump to an old message loads at most this many pages of history looking for it. */
const JUMP_MAX_PAGES = 40
const JUMP_HIGHLIGHT_MS = 2500
/** At most one mention notification this often: a member mentioning in a loop is not heard. */
const MENTION_NOTIFY_MS = 1000

export class AppStore {
  private state: AppState = {
    ready: false,
    fatal: null,
    profile: null,
    named: false,
    online: false,
    rooms: [],
    active: null,
    sync: {},
    members: {},
    divider: null,
    shell: 'open',
    replying: {},
    typing: {},
    jumped: null,
  }
  private lastTyping = 0
  private lastMentionNote = 0
  /** Quoted entries fetched for reply previews, by `${room}/${id}`. */
  private readonly quotes = new Map<string, Promise<TimelineEntry | null>>()
  /** Set by the open timeline: scrolls to a loaded entry. */
  scrollToEntry: (id: string) => void = () => {}
  private readonly listeners = new Set<() => void>()
  private readonly timelines = new Map<string, RoomTimeline>()
  private readonly unsubs: Array<() => void> = []
  private readonly marking = new Set<string>()
  /** Rooms with entries from others the user may not have marked read yet. */
  private readonly unseen = new Set<string>()
  private roomsTimer: ReturnType<typeof setTimeout> | null = null
  private membersTimer: ReturnType<typeof setInterval> | null = null
  private readonly membersSoon = new Map<string, ReturnType<typeof setTimeout>>()
  /** The open room's timeline is scrolled to its newest entry. */
  atBottom = true
  /** Set by the open timeline: scrolls it to the newest entry. */
  jumpToLatest: () => void = () => {}

  /**
   * `notifyInPage`: the page raises mention notifications itself (the browser shell);
   * in Electron the main process does (src/main/desktop.ts).
   */
  constructor(
    readonly api: LinkupApi,
    private readonly notifyInPage = false,
  ) {}

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb)
    return () => {
      this.listeners.delete(cb)
    }
  }

  getState = (): AppState => this.state

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch }
    for (const cb of this.listeners) cb()
  }

  async start(): Promise<void> {
    const { api } = this
    this.unsubs.push(
      api.on('entry:added', (e) => this.onEntry(e)),
      api.on('entry:updated', (e) => {
        this.timelines.get(e.room)?.update(e)
        if (e.deleted && !e.own) this.refreshRoomsSoon()
      }),
      api.on('room:joined', (r) => this.upsertRoom(r)),
      api.on('room:updated', (r) => {
        this.upsertRoom(r)
        // Mute, block and resume change a member without a member event of their own.
        this.refreshMembersSoon(r.key)
      }),
      api.on('member:paused', (p) => this.refreshMembersSoon(p.room)),
      api.on('room:left', ({ key }) => this.removeRoom(key)),
      api.on('peer:connected', (p) => this.onPeers(p.room)),
      api.on('peer:left', (p) => this.onPeers(p.room)),
      api.on('sync:progress', (s) => this.set({ sync: { ...this.state.sync, [s.room]: s } })),
      api.on('profile:updated', (p) => this.onProfile(p)),
      api.on('network:updated', ({ online }) => this.set({ online })),
      api.on('typing:updated', (t) =>
        this.set({ typing: { ...this.state.typing, [t.room]: t.members } }),
      ),
    )
    await this.refresh()
    // The browser asks once, on a click (browsers ignore a request without a gesture).
    if (
      this.notifyInPage &&
      typeof Notification !== 'undefined' &&
      Notification.permission === 'default'
    )
      document.addEventListener('pointerdown', () => void Notification.requestPermission(), {
        once: true,
      })
    this.membersTimer = setInterval(() => {
      if (this.state.active && this.state.shell === 'open')
        void this.refreshMembers(this.state.active)
    }, MEMBERS_REFRESH_MS)
  }

  stop(): void {
    for (const u of this.unsubs.splice(0)) u()
    if (this.roomsTimer) clearTimeout(this.roomsTimer)
    if (this.membersTimer) clearInterval(this.membersTimer)
    for (const timer of this.membersSoon.values()) clearTimeout(timer)
    this.membersSoon.clear()
  }

  /** Loads (or reloads after a lost shell connection) everything from the engine. */
  async refresh(): Promise<void> {
    try {
      const info = await this.api.appInfo()
      const saved = sessionStorage.getItem(ACTIVE_KEY)
      const keep = this.state.active ?? saved
      const active = info.rooms.some((r) => r.key === keep) ? keep : (info.rooms[0]?.key ?? null)
      // Timelines may have missed events while the connection was down.
      this.timelines.clear()
      this.set({
        ready: true,
        fatal: null,
        profile: info.profile,
        named: info.named,
        online: info.online,
        rooms: info.rooms,
      })
      if (active) this.selectRoom(active)
    } catch (err) {
      if (!this.state.ready) this.set({ fatal: message(err) })
    }
  }

  setShell(shell: ShellStatus): void {
    const was = this.state.shell
    this.set({ shell })
    if (shell === 'open' && was === 'closed') void this.refresh()
  }

  room(key: string | null): RoomInfo | undefined {
    return this.state.rooms.find((r) => r.key === key)
  }

  timeline(room: string): RoomTimeline {
    let t = this.timelines.get(room)
    if (!t) this.timelines.set(room, (t = new RoomTimeline()))
    return t
  }

  selectRoom(key: string): void {
    const room = this.room(key)
    if (!room) return
    sessionStorage.setItem(ACTIVE_KEY, key)
    const divider =
      room.unread > 0 ? { room: key, after: room.readMark, unread: room.unread } : null
    this.atBottom = true
    this.set({ active: key, divider })
    const t = this.timeline(key)
    if (t.loaded || t.loading) void this.refreshMembers(key)
    else {
      // The messages first: the member list renders once the first page is drawn, not
      // in the frame that draws it.
      void this.loadOlder(key)
        .then(() => new Promise<void>((resolve) => onIdle(resolve, MEMBERS_AFTER_PAGE_MS)))
        .then(() => this.refreshMembers(key))
    }
  }

  async loadOlder(room: string): Promise<void> {
    const t = this.timeline(room)
    if (t.loading || (t.loaded && !t.hasMore)) return
    t.setLoading(true)
    let stale = false
    try {
      const generation = t.generation
      const before = t.loaded ? t.oldestOrder : undefined
      const limit = t.loaded ? OLDER_PAGE_SIZE : FIRST_PAGE_SIZE
      const page = await this.api.loadHistory({ room, before, limit })
      stale = t.generation !== generation
      if (!stale) t.prepend(page, limit)
    } catch (err) {
      console.error('history:load failed', err)
    } finally {
      t.setLoading(false)
    }
    // The timeline was reset while this page was on its way: load the first page anew.
    if (stale) await this.loadOlder(room)
  }

  async refreshMembers(room: string): Promise<void> {
    try {
      const members = await this.api.members({ room })
      const old = this.state.members[room]
      if (old && JSON.stringify(old) === JSON.stringify(members)) return
      this.set({ members: { ...this.state.members, [room]: members } })
      if (old && mutedChanged(old, members)) this.reloadTimeline(room)
    } catch {
      // Left the room meanwhile.
    }
  }

  /** Mutes or blocks a member here, or undoes it; the list and timeline follow the event. */
  async moderate(room: string, key: string, kind: 'mute' | 'block', on: boolean): Promise<void> {
    await this.api.moderateMember({ room, key, kind, on })
  }

  /** Lets a member paused over a quota in again. */
  async resume(room: string, key: string): Promise<void> {
    await this.api.resumeMember({ room, key })
  }

  /** Re-reads a shown member list once for a burst of updates. */
  private refreshMembersSoon(room: string): void {
    if (!this.state.members[room] || this.membersSoon.has(room)) return
    this.membersSoon.set(
      room,
      setTimeout(() => {
        this.membersSoon.delete(room)
        void this.refreshMembers(room)
      }, MEMBERS_SOON_MS),
    )
  }

  /** Which entries show changed all through history: load the room's timeline again. */
  private reloadTimeline(room: string): void {
    const t = this.timelines.get(room)
    if (!t) return
    t.reset()
    if (this.state.active === room) void this.loadOlder(room)
  }

  async setName(name: string): Promise<void> {
    const profile = await this.api.setProfile({ name })
    this.set({ profile, named: true })
  }

  async createRoom(name: string): Promise<void> {
    const room = await this.api.createRoom({ name })
    this.upsertRoom(room)
    this.selectRoom(room.key)
  }

  async joinRoom(key: string, name?: string): Promise<void> {
    const room = await this.api.joinRoom({ key, name: name || undefined })
    this.upsertRoom(room)
    this.selectRoom(room.key)
  }

  async leaveRoom(key: string): Promise<void> {
    await this.api.leaveRoom({ room: key })
    this.removeRoom(key)
  }

  async send(room: string, text: string, mentions: string[] = []): Promise<void> {
    const replyTo = this.state.replying[room]?.id
    const entry = await this.api.sendMessage({
      room,
      text,
      ...(replyTo ? { replyTo } : {}),
      ...(mentions.length ? { mentions } : {}),
    })
    if (replyTo) this.setReplying(room, null)
    this.lastTyping = 0
    this.timeline(room).add(entry)
    // Whoever writes wants to see what they wrote, even if they had scrolled up.
    if (room === this.state.active && !this.atBottom) this.jumpToLatest()
    // Answering the room is reading it: the line has done its job.
    if (this.state.divider?.room === room) this.set({ divider: null })
  }

  setReplying(room: string, entry: TimelineEntry | null): void {
    this.set({ replying: { ...this.state.replying, [room]: entry } })
  }

  async react(room: string, id: string, emoji: string): Promise<void> {
    this.timeline(room).update(await this.api.toggleReaction({ room, id, emoji }))
  }

  /** The entry a reply quotes: from the loaded timeline, else asked of the engine once. */
  quote(room: string, id: string): Promise<TimelineEntry | null> {
    const loaded = this.timeline(room).find(id)
    if (loaded) return Promise.resolve(loaded)
    const key = `${room}/${id}`
    let q = this.quotes.get(key)
    if (!q) {
      q = this.api.getEntry({ room, id }).catch(() => null)
      this.quotes.set(key, q)
      if (this.quotes.size > 500) this.quotes.delete(this.quotes.keys().next().value as string)
    }
    return q
  }

  /** A keystroke in the composer: peers see "typing…" (throttled here and in the engine). */
  typingIn(room: string): void {
    const now = Date.now()
    if (now - this.lastTyping < TYPING_NOTIFY_MS) return
    this.lastTyping = now
    this.api.startTyping({ room }).catch(() => {})
  }

  /**
   * Shows entry `id` of `room`: opens the room, loads older history until the entry is
   * in (or the room's start is reached), scrolls to it and highlights it.
   */
  async jumpTo(room: string, id: string): Promise<boolean> {
    if (this.state.active !== room) this.selectRoom(room)
    const t = this.timeline(room)
    for (let pages = 0; !t.find(id) && pages < JUMP_MAX_PAGES; pages++) {
      while (t.loading) await new Promise((r) => setTimeout(r, 20))
      if (t.find(id) || (t.loaded && !t.hasMore)) break
      await this.loadOlder(room)
    }
    if (!t.find(id)) return false
    this.set({ jumped: id })
    this.scrollToEntry(id)
    // The highlight is a moment's pointer, not a state: a row scrolled back into view
    // later does not flash again.
    setTimeout(() => {
      if (this.state.jumped === id) this.set({ jumped: null })
    }, JUMP_HIGHLIGHT_MS)
    return true
  }

  async edit(room: string, id: string, text: string): Promise<void> {
    this.timeline(room).update(await this.api.editMessage({ room, id, text }))
  }

  async remove(room: string, id: string): Promise<void> {
    this.timeline(room).update(await this.api.deleteMessage({ room, id }))
  }

  async runCommand(input: string): Promise<CommandResult> {
    const result = await this.api.runCommand({ room: this.state.active ?? undefined, input })
    if (result.ok) {
      // A command may have created, joined, left or renamed anything.
      const info = await this.api.appInfo()
      this.set({ rooms: info.rooms, profile: info.profile, named: info.named, online: info.online })
      if (result.room) this.selectRoom(result.room)
      else if (this.state.active && !this.room(this.state.active)) this.pickFallbackRoom()
    }
    return result
  }

  /** The user is looking at the newest entries of the open room. */
  noteSeen(room: string): void {
    const info = this.room(room)
    if (!info || (info.unread === 0 && !this.unseen.has(room)) || this.marking.has(room)) return
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return
    this.marking.add(room)
    this.unseen.delete(room)
    this.api
      .markRead({ room })
      .then((r) => this.upsertRoom(r))
      .catch(() => {})
      .finally(() => {
        this.marking.delete(room)
        // Entries that arrived while this mark was on its way were seen too: mark again.
        if (this.unseen.has(room) && room === this.state.active && this.atBottom)
          this.noteSeen(room)
      })
  }

  private onEntry(entry: TimelineEntry): void {
    // Added even before the first page is in: the page merges with it (RoomTimeline.prepend).
    const t = this.timeline(entry.room)
    const previous = t.entries[t.entries.length - 1]
    const isNew = t.add(entry)
    // Bounded, whatever arrives: a room not shown, or followed at its end, keeps a window.
    if (
      t.entries.length > RENDERER_WINDOW_MAX &&
      (entry.room !== this.state.active || this.atBottom)
    )
      t.trimOldest(RENDERER_WINDOW_KEEP)
    if (!isNew || entry.own) return
    if (entry.mentioned) this.notifyMention(entry)
    const members = this.state.members[entry.room]
    if (members && !members.some((m) => m.key === entry.author))
      void this.refreshMembers(entry.room)
    this.unseen.add(entry.room)
    this.refreshRoomsSoon()
    if (entry.room !== this.state.active || !t.loaded) return
    const away = !this.atBottom || document.visibilityState === 'hidden'
    if (away && !this.state.divider && previous && previous.order < entry.order) {
      this.set({ divider: { room: entry.room, after: previous.order, unread: 1 } })
    } else if (!away) this.noteSeen(entry.room)
  }

  /** A mention raises a notification while the page is not in front (browser shell). */
  private notifyMention(entry: TimelineEntry): void {
    if (!this.notifyInPage || typeof Notification === 'undefined') return
    if (document.visibilityState === 'visible' && document.hasFocus()) return
    if (Notification.permission !== 'granted') return
    if (Date.now() - this.lastMentionNote < MENTION_NOTIFY_MS) return
    this.lastMentionNote = Date.now()
    const room = this.room(entry.room)
    const body = entry.text.replace(/\s+/gu, ' ').slice(0, 160)
    const note = new Notification(
      `${entry.authorName} mentioned you in ${room?.name ?? 'a room'}`,
      {
        body,
        tag: entry.id,
      },
    )
    note.onclick = () => {
      window.focus()
      void this.jumpTo(entry.room, entry.id)
    }
  }

  private refreshRoomsSoon(): void {
    if (this.roomsTimer) return
    this.roomsTimer = setTimeout(async () => {
      this.roomsTimer = null
      try {
        const fresh = await this.api.listRooms()
        const byKey = new Map(fresh.map((r) => [r.key, r]))
        this.set({ rooms: this.state.rooms.map((r) => byKey.get(r.key) ?? r) })
      } catch {
        // The next arrival asks again.
      }
    }, ROOMS_REFRESH_MS)
  }

  private onPeers(room: string): void {
    if (!this.state.members[room]) return
    void this.refreshMembers(room)
    // A new peer's writer core is opened just after its channel: ask again shortly so it
    // shows up in the member list even before it says anything.
    setTimeout(() => void this.refreshMembers(room), MEMBER_SETTLE_MS)
  }

  private onProfile(profile: Profile): void {
    if (profile.key === this.state.profile?.key) this.set({ profile })
    // Someone's new name shows in every member list they are in.
    for (const room of Object.keys(this.state.members)) void this.refreshMembers(room)
  }

  private upsertRoom(room: RoomInfo): void {
    const rooms = this.state.rooms
    const i = rooms.findIndex((r) => r.key === room.key)
    const old = rooms[i]
    const next = i < 0 ? [...rooms, room] : rooms.map((r, j) => (j === i ? room : r))
    this.set({ rooms: next })
    if (old && room.clearedMark !== old.clearedMark)
      this.timelines.get(room.key)?.clearUpTo(room.clearedMark)
  }

  private removeRoom(key: string): void {
    if (!this.room(key)) return
    this.timelines.delete(key)
    this.set({ rooms: this.state.rooms.filter((r) => r.key !== key) })
    if (this.state.active === key) this.pickFallbackRoom()
  }

  private pickFallbackRoom(): void {
    const next = this.state.rooms[0]?.key ?? null
    if (next) this.selectRoom(next)
    else this.set({ active: null, divider: null })
  }
}

export function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  // Electron prefixes rejected invoke() errors with the channel; people need the reason.
  return text.replace(/^Error invoking remote method '[^']+': (Error: )?/u, '')
}

/** A member was muted (or blocked) or let back in between two readings of the list. */
function mutedChanged(old: Member[], fresh: Member[]): boolean {
  const was = new Map(old.map((m) => [m.key, !!m.muted]))
  return fresh.some((m) => was.has(m.key) && was.get(m.key) !== !!m.muted)
}

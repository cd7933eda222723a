import path from 'node:path'
import { parseEntryId, emoji as EmojiSchema } from '../shared/entries'
import { MAX_MENTIONS, MAX_SEARCH_QUERY_CHARS, MAX_SEARCH_RESULTS } from '../shared/limits'
import { fingerprint, inviteLink } from '../shared/roomkey'
import type { RoomStats, SearchHit, TimelineEntry } from '../shared/types'
import type { Room } from './rooms/room'
import { RoomSearch } from './search/room-search'

// The node's side of replies, reactions, mentions, typing, search and ~info: checks what
// the user asks for, then writes entries through the room. The room keeps reactions and
// typing (rooms/social.ts); search keeps one index per room (search/room-search.ts).

export interface SendOptions {
  /** Id of the entry (any member's) this message replies to. */
  replyTo?: string
  /** Member keys the message mentions. */
  mentions?: string[]
}

/**
 * The index catches up once the room has been quiet this long, so indexing never competes
 * with messages arriving (it once cost a burst of 50,000 sends 60% of its speed); during
 * traffic that never stops, at least every INDEX_MAX_WAIT_MS. A search catches up first
 * anyway, so it always finds what has arrived.
 */
const INDEX_DELAY_MS = 2000
const INDEX_MAX_WAIT_MS = 30_000
/**
 * The index is loaded and caught up this long after opening (or at the first search), not
 * before: start-up, when a room catches up with its peers, does not also pay for it.
 */
const INDEX_START_MS = 3000

interface Host {
  readonly storage: string
  readonly clock: { tick(): number }
  room(key: string): Room
}

export class Social {
  private readonly searches = new Map<Room, RoomSearch>()
  private readonly timers = new Map<Room, NodeJS.Timeout>()

  constructor(private readonly host: Host) {}

  /** A room opened: keep its search index current, from a little after start-up. */
  opened(room: Room): void {
    const search = new RoomSearch(
      {
        writers: () => room.timeline.writers.values(),
        lookup: (id) => room.timeline.lookup(id),
      },
      path.join(this.host.storage, 'search', `${room.key}.json`),
    )
    this.searches.set(room, search)
    let started = false
    let waitingSince = 0
    const later = () => {
      if (!started || !this.searches.has(room)) return
      const now = Date.now()
      if (!this.timers.has(room)) waitingSince = now
      clearTimeout(this.timers.get(room))
      const delay = Math.min(INDEX_DELAY_MS, Math.max(0, waitingSince + INDEX_MAX_WAIT_MS - now))
      const timer = setTimeout(() => {
        this.timers.delete(room)
        void search.sync().catch(() => {})
      }, delay)
      timer.unref?.()
      this.timers.set(room, timer)
    }
    room.on('entry:added', later)
    room.on('sync', later)
    const start = setTimeout(() => {
      started = true
      if (this.searches.get(room) === search) later()
    }, INDEX_START_MS)
    start.unref?.()
  }

  async closed(room: Room): Promise<void> {
    const timer = this.timers.get(room)
    if (timer) clearTimeout(timer)
    this.timers.delete(room)
    const search = this.searches.get(room)
    this.searches.delete(room)
    await search?.close()
  }

  /** The reply and mention fields of a text entry, checked. */
  async textFields(
    room: Room,
    opts: { replyTo?: string; mentions?: string[] },
  ): Promise<{ re?: { w: string; seq: number; i: number }; m?: string[] }> {
    const out: { re?: { w: string; seq: number; i: number }; m?: string[] } = {}
    if (opts.replyTo !== undefined) {
      const pos = parseEntryId(opts.replyTo)
      const target = pos && (await room.timeline.lookup(opts.replyTo))
      if (!pos || !target)
        throw new Error('That message is not in this room, so you cannot reply to it.')
      out.re = { w: pos.writer, seq: pos.seq, i: pos.i }
    }
    if (opts.mentions?.length) {
      // Mentions name members by key; keys that are not writers of this room are dropped.
      const known = [...new Set(opts.mentions)].filter((k) => room.timeline.writers.has(k))
      if (known.length > MAX_MENTIONS)
        throw new Error(`A message mentions at most ${MAX_MENTIONS} members.`)
      if (known.length) out.m = known
    }
    return out
  }

  /** Toggles our reaction `emoji` on entry `id`; resolves to the entry as it now shows. */
  async react(roomKey: string, id: string, emoji: string): Promise<TimelineEntry> {
    const room = this.host.room(roomKey)
    if (!EmojiSchema.safeParse(emoji).success) throw new Error('A reaction is one emoji.')
    const pos = parseEntryId(id)
    const target = pos && (await room.timeline.lookup(id))
    if (!pos || !target) throw new Error('That message is not in this room (or not loaded).')
    if (target.deleted) throw new Error('That message was deleted.')
    const on = !room.social.reactions.has(id, emoji, room.ownKey)
    await room.append({
      t: 'react',
      h: this.host.clock.tick(),
      target: { w: pos.writer, seq: pos.seq, i: pos.i },
      e: emoji,
      on,
    })
    return room.social.decorate((await room.timeline.lookup(id)) ?? target)
  }

  /** Any entry of the room by id (what a reply quotes), or null when it is not here. */
  async entry(roomKey: string, id: string): Promise<TimelineEntry | null> {
    const room = this.host.room(roomKey)
    const item = await room.timeline.lookup(id)
    return item && room.visible(item) ? room.social.decorate(item) : null
  }

  typing(roomKey: string): void {
    this.host.room(roomKey).sendTyping(true)
  }

  async search(roomKey: string, query: string, limit = MAX_SEARCH_RESULTS): Promise<SearchHit[]> {
    const room = this.host.room(roomKey)
    const q = String(query ?? '').trim()
    if (!q) throw new Error('Search for at least one word.')
    if ([...q].length > MAX_SEARCH_QUERY_CHARS)
      throw new Error(`A search has at most ${MAX_SEARCH_QUERY_CHARS} characters.`)
    const search = this.searches.get(room)
    if (!search) throw new Error('Search is not ready for this room.')
    const hits = await search.search(q, Math.min(Math.max(1, limit), MAX_SEARCH_RESULTS))
    return hits.filter((hit) => room.visible(hit.entry))
  }

  /** What ~info shows. */
  stats(roomKey: string): RoomStats {
    const room = this.host.room(roomKey)
    let blocks = 0
    let bytes = 0
    for (const w of room.timeline.writers.values()) {
      blocks += w.core.contiguousLength ?? 0
      // byteLength counts the whole core; held bytes equal it once it is contiguous.
      if (w.core.contiguousLength === w.core.length) bytes += w.core.byteLength ?? 0
    }
    const info = room.info()
    return {
      room: room.key,
      name: info.name,
      invite: inviteLink(room.key),
      members: [...room.timeline.writers.values()].filter((w) => w.own || w.core.length > 0).length,
      writers: room.timeline.writers.size,
      blocks,
      bytes,
      peers: info.peers,
      fingerprint: fingerprint(room.ownKey),
    }
  }
}

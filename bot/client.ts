import { EventEmitter } from 'node:events'
import { scanFiles, type FileScan } from '../src/core/files/scan'
import { LinkupNode } from '../src/core/node'
import { cleanName } from '../src/shared/names'
import { parseRoomKey } from '../src/shared/roomkey'
import { HISTORY_PAGE } from '../src/shared/limits'
import type {
  PeerInfo,
  RoomInfo,
  RoomStats,
  SearchHit,
  SyncProgress,
  TimelineEntry,
  TypingInfo,
} from '../src/shared/types'

// The public client API for writing LinkUp bots: one LinkupNode, the rooms it is in,
// and a 'message' event for what other members write. The LinkUp bot (bot/bot.ts) is
// built on it and nothing else; `client.node` is the escape hatch to the full engine.

export interface ClientOptions {
  /** Data folder: identity, rooms and history. One process at a time. */
  storage: string
  /** Display name. */
  name: string
  /** A private DHT; leave out for the public DHT. */
  bootstrap?: Array<{ host: string; port: number }>
  /** Address the DHT binds to; '127.0.0.1' for a private loopback DHT. */
  host?: string
  /**
   * 'message' skips texts written longer ago than this (by the author's clock), so the
   * history a room replicates on join, or after downtime, is not replayed as new
   * messages; read it with history(). Default 2 minutes.
   */
  maxAgeMs?: number
  /**
   * 'message' skips what other bots write (their profile says bot), so two bots cannot
   * feed each other; true hands bots' messages on too. Default false.
   */
  listenToBots?: boolean
  /** Marks this client's member as a bot in its profile. Default true. */
  bot?: boolean
  /** A file download with no progress for this long fails (and the seeder retries it). */
  fileStallMs?: number
}

export interface BotMessage {
  room: string
  id: string
  /** The writer's key, as signed by its hypercore: who really wrote it. */
  author: string
  authorName: string
  /** Markdown source. */
  text: string
  /** The author's clock, ms since epoch. */
  time: number
  /** The author's profile says it is a bot (only seen with listenToBots). */
  fromBot: boolean
  /** Id of the message this one replies to, if any. */
  replyTo?: string
  /** True when the message mentions this client (by member key). */
  mentioned: boolean
  /** Sends `text` to the same room, as a reply quoting this message. */
  reply(text: string): Promise<TimelineEntry>
  /** Toggles a reaction on this message. */
  react(emoji: string): Promise<TimelineEntry>
}

export interface ClientEvents {
  /** A text message from another member that just arrived and is at most maxAgeMs old. */
  message: [BotMessage]
  /** Every entry added to a joined room, own ones and files included. */
  entry: [TimelineEntry]
  'peer:connected': [PeerInfo]
  'peer:left': [PeerInfo]
  'sync:progress': [SyncProgress]
  /** Who is typing in a room changed. */
  typing: [TypingInfo]
  error: [Error]
}

/** Engines before the files work have no sendFile; typed loosely so this lights up once it lands. */
type MaybeFiles = { sendFile?: (room: string, path: string) => Promise<TimelineEntry> }

/** Entries the client has already seen, remembered at most this many, oldest forgotten first. */
const SEEN_MAX = 5000
const PING_TIMEOUT_MS = 5000
const DEFAULT_MAX_AGE_MS = 2 * 60 * 1000

export class LinkupClient extends EventEmitter<ClientEvents> {
  readonly startedAt = Date.now()
  private readonly seen = new Set<string>()
  private closing: Promise<void> | null = null
  private readonly unsubscribe: Array<() => void> = []

  constructor(
    readonly node: LinkupNode,
    private readonly maxAgeMs = DEFAULT_MAX_AGE_MS,
    private readonly listenToBots = false,
  ) {
    super()
    this.listen('typing:updated', (t) => this.emit('typing', t))
    this.listen('entry:added', (entry) => this.onEntry(entry))
    this.listen('peer:connected', (peer) => this.emit('peer:connected', peer))
    this.listen('peer:left', (peer) => this.emit('peer:left', peer))
    this.listen('sync:progress', (p) => this.emit('sync:progress', p))
  }

  get profile() {
    return this.node.profile
  }

  rooms(): RoomInfo[] {
    return this.node.rooms()
  }

  /** Joins a room by key or linkup:// link; joining a room already joined returns it. */
  async join(key: string, name?: string): Promise<RoomInfo> {
    const room = roomKey(key)
    const existing = this.node.rooms().find((r) => r.key === room)
    if (existing) return existing
    const info = await this.node.joinRoom(room, name)
    await this.rememberHistory(info.key)
    return info
  }

  async leave(key: string): Promise<void> {
    await this.node.leaveRoom(roomKey(key))
  }

  /** send(room, text), or send(text) when the client is in exactly one room. */
  async send(
    roomOrText: string,
    text?: string,
    opts: { replyTo?: string; mentions?: string[] } = {},
  ): Promise<TimelineEntry> {
    const [room, body] =
      text === undefined ? [this.onlyRoom('send(text)'), roomOrText] : [roomKey(roomOrText), text]
    return this.node.send(room, body, opts)
  }

  /** Replies to message `id` (quoting it). */
  reply(room: string, id: string, text: string): Promise<TimelineEntry> {
    return this.node.send(roomKey(room), text, { replyTo: id })
  }

  /** Toggles our reaction `emoji` on message `id`. */
  react(room: string, id: string, emoji: string): Promise<TimelineEntry> {
    return this.node.react(roomKey(room), id, emoji)
  }

  /** Any message by id (e.g. the one a reply quotes), or null. */
  entry(room: string, id: string): Promise<TimelineEntry | null> {
    return this.node.entry(roomKey(room), id)
  }

  /** Shows "typing…" to the room's peers for a few seconds. */
  typing(room: string): void {
    this.node.typing(roomKey(room))
  }

  /** Full-text search over the room's history on disk, best first. */
  search(room: string, query: string, limit?: number): Promise<SearchHit[]> {
    return this.node.search(roomKey(room), query, limit)
  }

  /**
   * Every file and voice note of every writer of a room held on disk, from `cursors` on
   * (updated in place): call again with the same map to get only what is new.
   */
  scanFiles(room: string, cursors: Map<string, number>): Promise<FileScan> {
    return scanFiles(this.node.room(roomKey(room)), cursors)
  }

  /** Members, writers, storage, peers, own fingerprint and invite of a room. */
  info(room: string): RoomStats {
    return this.node.roomStats(roomKey(room))
  }

  /** sendFile(room, path), or sendFile(path) when the client is in exactly one room. */
  async sendFile(roomOrPath: string, path?: string): Promise<TimelineEntry> {
    const [room, file] =
      path === undefined
        ? [this.onlyRoom('sendFile(path)'), roomOrPath]
        : [roomKey(roomOrPath), path]
    const engine = this.node as unknown as MaybeFiles
    if (typeof engine.sendFile !== 'function') {
      throw new Error('Sending files is not supported yet by this LinkUp engine.')
    }
    return engine.sendFile.call(this.node, room, file)
  }

  /** This client's member key in a room: what `author` is on its own messages there. */
  memberKey(room: string): string {
    return this.node.memberKey(roomKey(room))
  }

  peers(room: string): PeerInfo[] {
    return this.node.peers(roomKey(room))
  }

  /** Round trips to a room's peers; gives up after a few seconds. */
  async ping(room: string): Promise<Array<{ peer: PeerInfo; ms: number }>> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS)
    })
    try {
      return await Promise.race([this.node.ping(roomKey(room)), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** A page of a room's history, oldest first: the newest `limit` entries before `before` (an order key). */
  history(room: string, opts: { before?: string; limit?: number } = {}): Promise<TimelineEntry[]> {
    return this.node.history(roomKey(room), {
      before: opts.before,
      limit: opts.limit ?? HISTORY_PAGE,
    })
  }

  /** Leaves the swarm and closes storage. Safe to call twice. */
  close(): Promise<void> {
    if (this.closing) return this.closing
    for (const off of this.unsubscribe.splice(0)) off()
    this.closing = this.node.close()
    return this.closing
  }

  /** Marks what a room already holds as seen, so stored history is never replayed as new. */
  async rememberHistory(room: string): Promise<void> {
    for (const entry of await this.node.history(room, { limit: HISTORY_PAGE }))
      this.markSeen(entry.id)
  }

  private onEntry(entry: TimelineEntry): void {
    if (this.seen.has(entry.id)) return
    this.markSeen(entry.id)
    this.emit('entry', entry)
    // Own messages never reach 'message': a bot cannot answer itself.
    if (entry.own || entry.deleted || entry.kind !== 'text') return
    if (Date.now() - entry.time > this.maxAgeMs) return
    const fromBot = this.isBot(entry)
    if (fromBot && !this.listenToBots) return
    const message: BotMessage = {
      room: entry.room,
      id: entry.id,
      author: entry.author,
      authorName: entry.authorName,
      text: entry.text,
      time: entry.time,
      fromBot,
      ...(entry.replyTo ? { replyTo: entry.replyTo } : {}),
      mentioned: !!entry.mentioned,
      reply: (text) => this.node.send(entry.room, text, { replyTo: entry.id }),
      react: (emoji) => this.node.react(entry.room, entry.id, emoji),
    }
    this.emit('message', message)
  }

  /** The author's profile says bot: on the entry, or read since (profiles can come later). */
  private isBot(entry: TimelineEntry): boolean {
    if (entry.authorBot) return true
    return !!this.node.members(entry.room).find((m) => m.key === entry.author)?.bot
  }

  private markSeen(id: string): void {
    this.seen.add(id)
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value as string)
  }

  private onlyRoom(call: string): string {
    const rooms = this.node.rooms()
    if (rooms.length !== 1) {
      throw new Error(
        `${call} needs exactly one joined room (joined: ${rooms.length}); name the room.`,
      )
    }
    return rooms[0].key
  }

  private listen<
    E extends 'entry:added' | 'peer:connected' | 'peer:left' | 'sync:progress' | 'typing:updated',
  >(event: E, cb: (payload: any) => void): void {
    this.node.on(event, cb)
    this.unsubscribe.push(() => this.node.off(event, cb))
  }
}

/** Opens (or creates) a client's storage, sets its name, and starts it on the DHT. */
export async function createClient(opts: ClientOptions): Promise<LinkupClient> {
  const name = cleanName(opts.name)
  if ('error' in name) throw new Error(`Bot name: ${name.error}`)
  const node = new LinkupNode({
    storage: opts.storage,
    bootstrap: opts.bootstrap,
    host: opts.host,
    defaultName: name.name,
    bot: opts.bot ?? true,
    fileStallMs: opts.fileStallMs,
  })
  await node.ready()
  const client = new LinkupClient(node, opts.maxAgeMs, opts.listenToBots ?? false)
  try {
    if (!node.named || node.profile.name !== name.name) await node.setName(name.name)
    for (const room of node.rooms()) await client.rememberHistory(room.key)
  } catch (err) {
    await client.close()
    throw err
  }
  return client
}

function roomKey(input: string): string {
  const parsed = parseRoomKey(input)
  if ('error' in parsed) throw new Error(parsed.error)
  return parsed.key
}

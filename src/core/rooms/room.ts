import { EventEmitter } from 'node:events'
import type { Entry } from '../../shared/entries'
import { decodeBlock, entryId, parseEntryId } from '../../shared/entries'
import { MAX_WRITERS_PER_ROOM } from '../../shared/limits'
import type { PeerInfo, RoomInfo, TimelineEntry } from '../../shared/types'
import { RoomChannel } from '../net/channel'
import type { HybridClock } from './clock'
import { roomTopic } from '../net/crypto'
import type { KeyPair } from '../identity'
import { Timeline, type Writer } from './timeline'
import { BatchWriter } from './writer'
import { Delivery } from './delivery'
import { Discovery } from '../net/discovery'
import { Social } from './social'

const NEWEST_FIRST_BLOCKS = 64
const SYNC_REPORT_MS = 100

export interface RoomContext {
  store: any
  swarm: any
  clock: HybridClock
  stats: { invalidEntries: number; droppedFrames: number; droppedPeers: number }
  profile(): { name: string; avatar: any; bot?: boolean }
  /** Called once a connection has proved a room key: only then do cores replicate on it. */
  authorised(conn: any): void
}

export interface RoomState {
  key: string
  name: string
  cleared: string
  read: string
  writers: string[]
}

/**
 * One joined room: the member's own writer core, every other writer core it has heard
 * of, the merged timeline, and a channel on each connection whose peer proved the key.
 */
export class Room extends EventEmitter {
  readonly key: string
  readonly keyBuf: Buffer
  readonly topic: Buffer
  readonly timeline: Timeline
  readonly channels = new Map<any, RoomChannel>()
  /** Reactions and typing (social.ts). */
  readonly social: Social
  private own!: Writer
  private writer!: BatchWriter
  private profileSeq = -1
  private delivery!: Delivery
  private discovery: Discovery | null = null
  private readonly following = new Set<string>()
  private readonly paired = new Map<any, () => void>()
  private readonly running = new Set<string>()
  private readonly dirty = new Set<string>()
  private syncTimer: NodeJS.Timeout | null = null
  private readonly tailRequested = new WeakMap<any, number>()
  private readonly cores: any[] = []
  private closed = false

  constructor(
    private readonly ctx: RoomContext,
    readonly state: RoomState,
    private readonly writerKeyPair: KeyPair,
    private readonly persist: () => void,
  ) {
    super()
    this.key = state.key
    this.keyBuf = Buffer.from(state.key, 'hex')
    this.topic = roomTopic(this.keyBuf)
    this.timeline = new Timeline(this.key, ctx.clock, ctx.stats)
    this.social = new Social(
      this.timeline,
      (item) => this.visible(item) && this.emit('entry:updated', item),
      () => this.emit('typing', this.social.typingMembers()),
    )
    this.timeline.on(
      'added',
      (item: TimelineEntry) => this.visible(item) && this.emit('entry:added', item),
    )
    this.timeline.on(
      'updated',
      (item: TimelineEntry) => this.visible(item) && this.emit('entry:updated', item),
    )
    this.timeline.on('profile', (w: Writer) => {
      this.timeline.rename(w)
      this.emit('profile', w)
    })
  }

  get ownKey(): string {
    return this.own.key
  }

  async open(): Promise<void> {
    const core = this.ctx.store.get({ keyPair: this.writerKeyPair })
    await core.ready()
    this.cores.push(core)
    this.own = await this.timeline.addWriter(core, true, this.ctx.profile().name)
    this.writer = new BatchWriter(
      core,
      () => ({
        name: this.ctx.profile().name,
        profileSeq: this.profileSeq,
        bot: this.ctx.profile().bot,
      }),
      (seq) => (this.profileSeq = seq),
    )
    this.profileSeq = await this.findProfileSeq(core)
    this.delivery = new Delivery(
      core,
      this.own.key,
      (id) => this.timeline.get(id),
      (item) => this.emit('entry:updated', item),
    )
    core.on('append', () => this.scheduleUpdate(this.own.key))
    for (const key of this.state.writers) if (key !== this.own.key) await this.addWriter(key)
    // Setting the floor: from here on new entries are live events.
    await this.timeline.page(undefined, 50)
    if (core.length === 0 || this.own.name !== this.ctx.profile().name) await this.announceProfile()
    this.discovery = new Discovery(this.ctx.swarm, this.topic, () => this.channels.size)
    for (const conn of this.ctx.swarm.connections) this.attach(conn)
  }

  private async findProfileSeq(core: any): Promise<number> {
    if (core.length === 0) return -1
    const block = await core.get(core.length - 1, { wait: false }).catch(() => null)
    return block ? decodeBlock(block).profileSeq : -1
  }

  /** Opens the room channel on a connection; the peer must prove the key before anything else. */
  attach(conn: any): void {
    if (this.closed || !this.own || this.channels.has(conn)) return
    if (!this.paired.has(conn)) {
      this.paired.set(
        conn,
        RoomChannel.pair(conn, this.topic, () => this.attach(conn)),
      )
      conn.once('close', () => this.paired.delete(conn))
    }
    const channel = new RoomChannel(
      conn,
      this.keyBuf,
      this.topic,
      this.own.key,
      this.ctx.profile().name,
      {
        onopen: (ch) => this.onChannelOpen(ch),
        onclose: (ch, wasOpen) => this.onChannelClose(ch, wasOpen),
        onwriters: (_ch, keys) => keys.forEach((k) => this.addWriter(k).catch(() => {})),
        onpeers: () => {},
        ontyping: (ch, typing) => ch.writer && this.social.typing.received(ch.writer, typing),
        ondropped: (reason) => {
          if (reason === 'failed room proof') this.ctx.stats.droppedPeers++
          else this.ctx.stats.droppedFrames++
        },
      },
    )
    if (!channel.valid || channel.closed) return
    this.channels.set(conn, channel)
  }

  private onChannelOpen(ch: RoomChannel): void {
    this.ctx.authorised(ch.conn)
    ch.sendWriters([...this.timeline.writers.keys()])
    this.addWriter(ch.writer).catch(() => {})
    this.emit('peer:connected', this.peerInfo(ch))
    this.emit('room:updated')
  }

  private onChannelClose(ch: RoomChannel, wasOpen: boolean): void {
    if (this.channels.get(ch.conn) === ch) this.channels.delete(ch.conn)
    if (this.closed || !wasOpen) return
    this.social.typing.stop(ch.writer)
    this.emit('peer:left', this.peerInfo(ch))
    this.emit('room:updated')
  }

  private peerInfo(ch: RoomChannel): PeerInfo {
    return {
      key: ch.writer,
      name: this.timeline.writers.get(ch.writer)?.name || ch.name || 'Anonymous',
      room: this.key,
    }
  }

  /** Starts following a writer core: download all of it, live, and merge it in. */
  async addWriter(key: string): Promise<void> {
    if (this.closed || this.following.has(key) || this.timeline.writers.has(key)) return
    if (this.following.size >= MAX_WRITERS_PER_ROOM) return
    this.following.add(key)
    const core = this.ctx.store.get({ key: Buffer.from(key, 'hex') })
    this.cores.push(core)
    await core.ready()
    if (this.closed) return
    core.on('append', () => {
      this.fetchNewestFirst(core)
      this.scheduleUpdate(key)
    })
    core.on('download', (seq: number) => {
      this.timeline.downloaded(key, seq)
      this.scheduleUpdate(key)
    })
    this.fetchNewestFirst(core)
    core.download({ start: 0, end: -1 })
    await this.timeline.addWriter(core, false)
    this.scheduleUpdate(key)
    if (!this.state.writers.includes(key)) {
      this.state.writers.push(key)
      this.persist()
    }
    for (const ch of this.channels.values()) ch.sendWriters([key])
  }

  /**
   * Asks for the newest blocks of a writer before its backlog, so someone who was away
   * sees the latest messages first; the backlog follows from the full-range download.
   */
  private fetchNewestFirst(core: any): void {
    const length = core.length
    const known = this.tailRequested.get(core) ?? 0
    if (length <= known) return
    this.tailRequested.set(core, length)
    const start = Math.max(known, length - NEWEST_FIRST_BLOCKS, 0)
    if (start < length) core.download({ start, end: length })
  }

  /** Sync progress at most every SYNC_REPORT_MS: catch-up must not flood the shells. */
  private reportSync(): void {
    if (this.syncTimer || this.closed) return
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null
      if (!this.closed) this.emit('sync', this.timeline.progress())
    }, SYNC_REPORT_MS)
  }

  /** Coalesces bursts of appends/downloads into one timeline read at a time per writer. */
  private scheduleUpdate(key: string): void {
    this.dirty.add(key)
    if (this.running.has(key)) return
    this.running.add(key)
    const run = async (): Promise<void> => {
      while (this.dirty.has(key) && !this.closed) {
        this.dirty.delete(key)
        await this.timeline.update(key).catch(() => {})
        this.reportSync()
      }
      this.running.delete(key)
    }
    run()
  }

  async append(entry: Entry): Promise<TimelineEntry | null> {
    const { seq, i } = await this.writer.append(entry)
    this.delivery.track(seq, i)
    await this.timeline.update(this.own.key)
    return this.timeline.get(entryId(this.own.key, seq, i)) ?? null
  }

  async announceProfile(): Promise<void> {
    const { name, avatar, bot } = this.ctx.profile()
    this.own.name = name
    const flag = bot ? { bot: true } : {}
    await this.writer.append({ t: 'profile', h: this.ctx.clock.tick(), name, avatar, ...flag })
  }

  /** An own entry, or a clear error: nobody edits or deletes what another member wrote. */
  ownEntry(id: string): TimelineEntry {
    const pos = parseEntryId(id)
    const item = pos && this.timeline.get(id)
    if (!pos || !item) throw new Error('That message is not in this room (or not loaded).')
    if (pos.writer !== this.own.key)
      throw new Error('You can only edit or delete your own messages.')
    if (item.deleted) throw new Error('That message was deleted.')
    return item
  }

  visible(item: TimelineEntry): boolean {
    return !this.state.cleared || item.order > this.state.cleared
  }

  async history(before: string | undefined, limit: number): Promise<TimelineEntry[]> {
    const items = await this.timeline.page(before, limit)
    return items.filter((item) => this.visible(item)).map((item) => this.social.decorate(item))
  }

  info(): RoomInfo {
    const loaded = this.timeline.loaded
    let unread = 0
    const mark = this.state.read > this.state.cleared ? this.state.read : this.state.cleared
    for (let n = loaded.length - 1; n >= 0 && loaded[n].order > mark; n--) {
      if (!loaded[n].own && !loaded[n].deleted) unread++
    }
    return {
      key: this.key,
      name: this.state.name,
      peers: this.openChannels().length,
      unread,
      readMark: this.state.read,
      clearedMark: this.state.cleared,
    }
  }

  lastOrder(): string {
    const loaded = this.timeline.loaded
    return loaded.length ? loaded[loaded.length - 1].order : ''
  }

  openChannels(): RoomChannel[] {
    const byPeer = new Map<string, RoomChannel>()
    for (const ch of this.channels.values()) if (ch.opened) byPeer.set(ch.remoteKey, ch)
    return [...byPeer.values()]
  }

  peers(): PeerInfo[] {
    return this.openChannels().map((ch) => this.peerInfo(ch))
  }

  /** The connection closed (the node listens once per connection, not once per room). */
  detach(conn: any): void {
    this.paired.delete(conn)
    this.channels.delete(conn)
  }

  /** Tells direct peers we are typing, at most once per TYPING_SEND_MS. */
  sendTyping(typing = true): void {
    if (typing && !this.social.typing.shouldSend()) return
    if (!typing) this.social.typing.sent()
    for (const ch of this.openChannels()) ch.sendTyping(typing)
  }

  rediscover(): void {
    this.discovery?.refresh()
  }

  /** Resolves once this room is announced on the DHT, so others looking it up find us. */
  async flushed(): Promise<void> {
    await this.discovery?.flushed()
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.writer?.close()
    this.closed = true
    this.discovery?.destroy()
    this.social.close()
    if (this.syncTimer) clearTimeout(this.syncTimer)
    for (const unpair of this.paired.values()) unpair()
    this.paired.clear()
    for (const ch of this.channels.values()) ch.close()
    this.channels.clear()
    await this.ctx.swarm.leave(this.topic).catch(() => {})
    await Promise.all(this.cores.map((core) => core.close().catch(() => {})))
  }
}

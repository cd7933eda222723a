import fs from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import b4a from 'b4a'
import Corestore from 'corestore'
import crypto from 'hypercore-crypto'
import DHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import { parseEntryId } from '../shared/entries'
import { cleanName } from '../shared/names'
import { parseRoomKey } from '../shared/roomkey'
import type {
  CommandResult,
  Member,
  PeerInfo,
  Profile,
  RoomInfo,
  RoomStats,
  SearchHit,
  TimelineEntry,
} from '../shared/types'
import { MAX_ROOM_NAME_CHARS, MAX_TEXT_BYTES, HISTORY_PAGE } from '../shared/limits'
import { DEFAULT_MAX_FILE_BYTES, FILE_STALL_MS } from '../shared/limits'
import { HybridClock } from './rooms/clock'
import { runCommand } from './commands'
import { ConfigStore, type RoomConfig } from './config'
import { EngineEmitter } from './events'
import { Files, type DownloadResult } from './files/files'
import { Identity } from './identity'
import { StorageLock } from './lock'
import { Room } from './rooms/room'
import { Social, type SendOptions } from './social'

const STALE_CONNECTION_MS = 1000
const ROOM_UPDATE_MS = 50

export interface LinkupNodeOptions {
  /** The data folder: config.json, identity.json and the corestore. */
  storage: string
  /** DHT bootstrap nodes; tests and the demo pass a private testnet here. */
  bootstrap?: Array<{ host: string; port: number }>
  /** Address to bind and announce; '127.0.0.1' on a private testnet. */
  host?: string
  defaultName?: string
  /** Largest file this node sends or downloads; checked before any byte moves. */
  maxFileBytes?: number
  /** A download with no progress for this long gives up (its blocks stay for a retry). */
  fileStallMs?: number
  /** Marks this member as a bot in its profile (bot/client.ts). */
  bot?: boolean
}

/**
 * A LinkUp member: one corestore, one swarm, one identity, and the rooms it joined.
 * Everything the shells and the bot do goes through here.
 */
export class LinkupNode extends EngineEmitter {
  readonly storage: string
  readonly stats = { invalidEntries: 0, droppedFrames: 0, droppedPeers: 0 }
  readonly clock = new HybridClock()
  identity!: Identity
  store!: any
  swarm!: any
  /** Files, voice notes and avatars: the own drive and downloads (src/core/files.ts). */
  files!: Files
  private config: ConfigStore
  private readonly lock: StorageLock
  private readonly rooms_ = new Map<string, Room>()
  private readonly authorisedConns = new WeakSet<any>()
  private readonly roomTimers = new Map<Room, NodeJS.Timeout>()
  /** Replies, reactions, mentions, typing, search, ~info: src/core/social.ts. */
  readonly social = new Social(this)
  private opening: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor(private readonly opts: LinkupNodeOptions) {
    super()
    this.storage = path.resolve(opts.storage)
    this.lock = new StorageLock(this.storage)
    this.config = new ConfigStore(this.storage, opts.defaultName ?? 'Anonymous')
  }

  ready(): Promise<void> {
    if (!this.opening) this.opening = this.open()
    return this.opening
  }

  private async open(): Promise<void> {
    await fs.mkdir(this.storage, { recursive: true, mode: 0o700 })
    this.lock.acquire()
    try {
      await this.config.load()
      this.identity = await Identity.load(this.storage)
      this.store = new Corestore(path.join(this.storage, 'cores'))
      await this.store.ready()
      this.files = new Files({
        store: this.store,
        storage: this.storage,
        clock: this.clock,
        maxFileBytes: this.opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
        stallMs: this.opts.fileStallMs ?? FILE_STALL_MS,
        emit: (event, payload) => this.emit(event, payload),
      })
      await this.files.ready()
      const dht = new DHT({ bootstrap: this.opts.bootstrap, host: this.opts.host })
      const seed = crypto.hash(
        Buffer.concat([Buffer.from('linkup/swarm'), this.identity.keyPair.secretKey]),
      )
      this.swarm = new Hyperswarm({ dht, keyPair: DHT.keyPair(seed) })
      this.swarm.on('connection', (conn: any) => this.onConnection(conn))
      dht.on('network-update', () => this.emit('network:updated', { online: this.online }))
      if (this.opts.bot !== undefined && this.opts.bot !== this.config.data.profile.bot) {
        this.config.data.profile.bot = this.opts.bot
        await this.config.save()
      }
      for (const state of this.config.data.rooms) await this.openRoom(state)
    } catch (err) {
      await this.files?.close().catch(() => {})
      await this.store?.close().catch(() => {})
      this.lock.release()
      throw err
    }
  }

  private onConnection(conn: any): void {
    conn.on('error', () => {})
    for (const room of this.rooms_.values()) room.attach(conn)
    // A socket on which no room channel opens is dead weight: when two peers dial each
    // other at once one side can keep a socket the other dropped, and between two
    // processes on loopback a client can finish its handshake on a socket the server
    // never reports. Hyperswarm will not replace it, so drop it and look the rooms up
    // again; a channel normally opens within a few ms of the handshake.
    const timer = setTimeout(() => {
      if (this.authorisedConns.has(conn) || conn.destroyed || this.closing) return
      conn.destroy()
      for (const room of this.rooms_.values()) room.rediscover()
    }, STALE_CONNECTION_MS)
    conn.once('close', () => {
      clearTimeout(timer)
      for (const room of this.rooms_.values()) room.detach(conn)
    })
  }

  private async openRoom(state: RoomConfig): Promise<Room> {
    const keyBuf = b4a.from(state.key, 'hex') as Buffer
    const room = new Room(
      {
        store: this.store,
        swarm: this.swarm,
        clock: this.clock,
        stats: this.stats,
        profile: () => ({
          name: this.config.data.profile.name,
          avatar: this.config.data.profile.avatar,
          bot: this.config.data.profile.bot,
        }),
        authorised: (conn) => {
          if (this.authorisedConns.has(conn)) return
          this.authorisedConns.add(conn)
          this.store.replicate(conn)
        },
      },
      state,
      this.identity.writerKeyPair(Buffer.from(keyBuf)),
      () => this.config.save(),
    )
    this.rooms_.set(state.key, room)
    this.files.attach(room) // first, so file entries carry their fileState when emitted
    room.on('entry:added', (item) => {
      this.emit('entry:added', item)
      if (!item.own) this.roomChanged(room)
    })
    room.on('entry:updated', (item) => this.emit('entry:updated', item))
    room.on('peer:connected', (peer) => this.emit('peer:connected', peer))
    room.on('peer:left', (peer) => this.emit('peer:left', peer))
    room.on('room:updated', () => this.emit('room:updated', room.info()))
    room.on('sync', (p) => this.emit('sync:progress', { room: room.key, ...p }))
    room.on('typing', (members) => this.emit('typing:updated', { room: room.key, members }))
    await room.open()
    this.social.opened(room)
    return room
  }

  /** Unread counts move with every arrival: tell the shells, at most every ROOM_UPDATE_MS. */
  private roomChanged(room: Room): void {
    if (this.roomTimers.has(room)) return
    this.roomTimers.set(
      room,
      setTimeout(() => {
        this.roomTimers.delete(room)
        if (this.rooms_.get(room.key) === room) this.emit('room:updated', room.info())
      }, ROOM_UPDATE_MS),
    )
  }

  get online(): boolean {
    return !!this.swarm?.dht && this.swarm.dht.online !== false
  }

  get profile(): Profile {
    const p = this.config.data.profile
    return { key: this.identity.publicKey, name: p.name, avatar: p.avatar, bot: p.bot }
  }

  get named(): boolean {
    return this.config.data.profile.named
  }

  async setName(input: string): Promise<Profile> {
    const cleaned = cleanName(input)
    if ('error' in cleaned) throw new Error(cleaned.error)
    this.config.data.profile.name = cleaned.name
    this.config.data.profile.named = true
    await this.config.save()
    await Promise.all([...this.rooms_.values()].map((room) => room.announceProfile()))
    this.emit('profile:updated', this.profile)
    return this.profile
  }

  rooms(): RoomInfo[] {
    return [...this.rooms_.values()].map((room) => room.info())
  }

  /** The joined room with this key, or a clear error (src/core/social.ts uses it). */
  room(key: string): Room {
    const room = this.rooms_.get(key)
    if (!room) throw new Error('You are not in that room.')
    return room
  }

  async createRoom(name: string): Promise<RoomInfo> {
    const key = b4a.toString(crypto.randomBytes(32), 'hex')
    return this.joinRoom(key, name)
  }

  async joinRoom(keyOrLink: string, name?: string): Promise<RoomInfo> {
    const parsed = parseRoomKey(keyOrLink)
    if ('error' in parsed) throw new Error(parsed.error)
    const existing = this.rooms_.get(parsed.key)
    if (existing) return existing.info()
    const alias = (name ?? '')
      .normalize('NFC')
      .replace(/[\u0000-\u001f\u007f]/gu, '')
      .trim()
    if ([...alias].length > MAX_ROOM_NAME_CHARS)
      throw new Error(`A room name has at most ${MAX_ROOM_NAME_CHARS} characters.`)
    const name_ = alias || `Room ${parsed.key.slice(0, 6)}`
    const state: RoomConfig = { key: parsed.key, name: name_, cleared: '', read: '', writers: [] }
    this.config.data.rooms.push(state)
    await this.config.save()
    const room = await this.openRoom(state)
    const info = room.info()
    this.emit('room:joined', info)
    return info
  }

  async leaveRoom(key: string): Promise<void> {
    const room = this.room(key)
    this.rooms_.delete(key)
    this.config.data.rooms = this.config.data.rooms.filter((r) => r.key !== key)
    await this.config.save()
    await this.social.closed(room)
    await room.close()
    this.emit('room:left', { key })
  }

  async send(room: string, text: string, opts: SendOptions = {}): Promise<TimelineEntry> {
    if (typeof text !== 'string' || !text.trim()) throw new Error('A message needs some text.')
    if (Buffer.byteLength(text) > MAX_TEXT_BYTES)
      throw new Error(`A message has at most ${MAX_TEXT_BYTES / 1024} KiB of text.`)
    const r = this.room(room)
    const extra = await this.social.textFields(r, opts)
    const item = await r.append({ t: 'text', h: this.clock.tick(), text, ...extra })
    r.sendTyping(false)
    if (!item) throw new Error('The message was written but is hidden by ~clear.')
    return item
  }

  async edit(room: string, id: string, text: string): Promise<TimelineEntry> {
    if (!text.trim()) throw new Error('An edit needs some text; delete the message instead.')
    if (Buffer.byteLength(text) > MAX_TEXT_BYTES)
      throw new Error(`A message has at most ${MAX_TEXT_BYTES / 1024} KiB of text.`)
    const r = this.room(room)
    const item = r.ownEntry(id)
    if (item.kind !== 'text') throw new Error('Only text messages can be edited.')
    const { seq, i } = parseEntryId(id)!
    await r.append({ t: 'edit', h: this.clock.tick(), target: { seq, i }, text })
    return item
  }

  async delete(room: string, id: string): Promise<TimelineEntry> {
    const r = this.room(room)
    const item = r.ownEntry(id)
    const { seq, i } = parseEntryId(id)!
    await r.append({ t: 'delete', h: this.clock.tick(), target: { seq, i } })
    if (item.file) await this.files.removeOwn(item.file)
    return item
  }

  history(room: string, opts: { before?: string; limit?: number } = {}): Promise<TimelineEntry[]> {
    const r = this.room(room)
    return r
      .history(opts.before, Math.min(opts.limit ?? HISTORY_PAGE, 1000))
      .then((items) => this.files.seen(r, items))
  }

  members(room: string): Member[] {
    const r = this.room(room)
    const online = new Set(r.openChannels().map((ch) => ch.writer))
    return [...r.timeline.writers.values()].map((w) => ({
      key: w.key,
      name: w.own ? this.profile.name : w.name || 'Anonymous',
      avatar: w.own ? this.profile.avatar : w.avatar,
      online: w.own || online.has(w.key),
      own: w.own,
      bot: w.own ? this.config.data.profile.bot : !!w.bot,
    }))
  }

  peers(room: string): PeerInfo[] {
    return this.room(room).peers()
  }

  async markRead(room: string): Promise<RoomInfo> {
    const r = this.room(room)
    const last = r.lastOrder()
    if (last > r.state.read) {
      r.state.read = last
      await this.config.save()
    }
    const info = r.info()
    this.emit('room:updated', info)
    return info
  }

  async clear(room: string): Promise<void> {
    const r = this.room(room)
    r.state.cleared = r.lastOrder() || r.state.cleared
    await this.config.save()
    this.emit('room:updated', r.info())
  }

  async ping(room: string): Promise<Array<{ peer: PeerInfo; ms: number }>> {
    const r = this.room(room)
    return Promise.all(
      r.openChannels().map(async (ch) => ({
        peer: r.peers().find((p) => p.key === ch.writer)!,
        ms: await ch.ping(),
      })),
    )
  }

  runCommand(input: string, ctx: { room?: string } = {}): Promise<CommandResult> {
    return runCommand(this, input, ctx.room)
  }

  /** Resolves once the room is announced on the DHT (tests and benchmarks wait on it). */
  flushed(room: string): Promise<void> {
    return this.room(room).flushed()
  }

  // ---- files, voice notes, avatars: thin wrappers over src/core/files.ts ----

  /** Streams a file into the own drive and posts a file entry. */
  sendFile(
    room: string,
    filePath: string,
    opts: { type?: string; name?: string } = {},
  ): Promise<TimelineEntry> {
    return this.files.sendFile(this.room(room), filePath, opts)
  }

  sendVoiceNote(
    room: string,
    filePath: string,
    durationMs: number,
    type?: string,
  ): Promise<TimelineEntry> {
    return this.files.sendVoiceNote(this.room(room), filePath, durationMs, type)
  }

  /** Sets (or with null removes) the avatar and announces it in every room. */
  async setAvatar(filePath: string | null): Promise<Profile> {
    const p = this.config.data.profile
    p.avatar = await this.files.storeAvatar(filePath, p.avatar)
    await this.config.save()
    await Promise.all([...this.rooms_.values()].map((room) => room.announceProfile()))
    this.emit('profile:updated', this.profile)
    return this.profile
  }

  /** Fetches and verifies an entry's file; 'file:progress' events while it runs. */
  download(room: string, id: string): Promise<DownloadResult> {
    return this.files.download(this.room(room), id)
  }

  /** Writes the verified bytes to exactly `target` (downloading first if needed). */
  saveFile(room: string, id: string, target: string): Promise<string> {
    return this.files.saveFile(this.room(room), id, target)
  }

  /** Saves under the entry's name, made safe, inside `folder`; resolves to the path. */
  saveFileIn(room: string, id: string, folder: string): Promise<string> {
    return this.files.saveFileIn(this.room(room), id, folder)
  }

  /** The verified bytes of a file or voice note, for playing or showing. */
  readFile(room: string, id: string): Promise<Readable> {
    return this.files.readFile(this.room(room), id)
  }

  /** A member's (or our own) avatar bytes once verified here, else null. */
  readAvatar(room: string, member: string): Promise<Readable | null> {
    const m = this.members(room).find((x) => x.key === member)
    return this.files.readAvatar(m?.avatar ?? null, !!m?.own)
  }

  // ---- end of files ----

  // ---- replies, reactions, typing, search, ~info: thin wrappers over src/core/social.ts ----

  react(room: string, id: string, emoji: string): Promise<TimelineEntry> {
    return this.social.react(room, id, emoji)
  }

  /** Any entry by id, loaded or not (what a reply quotes), or null. */
  entry(room: string, id: string): Promise<TimelineEntry | null> {
    return this.social.entry(room, id)
  }

  /** We are typing in a room: peers see it for a few seconds (never stored). */
  typing(room: string): void {
    this.social.typing(room)
  }

  search(room: string, query: string, limit?: number): Promise<SearchHit[]> {
    return this.social.search(room, query, limit)
  }

  roomStats(room: string): RoomStats {
    return this.social.stats(room)
  }

  /** Own writer key in a room: the member key peers see. */
  memberKey(room: string): string {
    return this.room(room).ownKey
  }

  close(): Promise<void> {
    if (!this.closing) this.closing = this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    await this.opening?.catch(() => {})
    await this.files?.close().catch(() => {})
    for (const timer of this.roomTimers.values()) clearTimeout(timer)
    await Promise.all([...this.rooms_.values()].map((room) => this.social.closed(room)))
    await Promise.all([...this.rooms_.values()].map((room) => room.close()))
    this.rooms_.clear()
    await this.config.flush()
    await this.swarm?.destroy().catch(() => {})
    await this.store?.close().catch(() => {})
    this.lock.release()
  }
}

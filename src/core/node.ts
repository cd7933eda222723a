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
  SyncProgress,
  RoomStats,
  SearchHit,
  TimelineEntry,
} from '../shared/types'
import {
  MAX_ROOM_NAME_CHARS,
  MAX_ROOMS,
  MAX_WRITERS_PER_ROOM,
  MAX_TEXT_BYTES,
  HISTORY_PAGE,
} from '../shared/limits'
import { DEFAULT_MAX_FILE_BYTES, FILE_STALL_MS } from '../shared/limits'
import { HybridClock } from './rooms/clock'
import { runCommand } from './commands'
import { ConfigStore, type RoomConfig } from './config'
import { DiskGuard, storageError } from './disk'
import { Heads, type DamagedRoom } from './heads'
import { EngineEmitter } from './events'
import { Files, type DownloadResult } from './files/files'
import type { Drives } from './files/drive'
import { Identity } from './identity'
import { StorageLock } from './lock'
import { Room } from './rooms/room'
import { findMember } from './rooms/moderation'
import { markLookalikes } from './rooms/lookalikes'
import { Hello } from './net/hello'
import { CoreScopes } from './net/scope'
import { Penalties } from './net/penalties'
import { HalfOpenGuard, RETRY_BACKOFFS_MS, RETRY_JITTER_MS } from './net/half-open'
import { Social, type SendOptions } from './social'

const STALE_CONNECTION_MS = 1000
/** …or after this, if a room link was opening on it then (Room.linking). */
const STALE_LINKING_MS = 5000
const ROOM_UPDATE_MS = 50
/** Sybil guard (admitConnection): connections held at once, and of those not yet proven. */
export const MAX_CONNECTIONS = 64
export const MAX_UNPROVEN_CONNECTIONS = 16
/** Dropping unproven sockets looks the rooms up again, at most this often. */
const REDISCOVER_GAP_MS = 5000

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
  /**
   * Per-writer history quotas (src/core/rooms/quota.ts); on unless false. Benchmarks that
   * flood on purpose, to measure the engine, turn them off.
   */
  quotas?: boolean
  /** Marks this member as a bot in its profile (bot/client.ts). */
  bot?: boolean
  /** Links each room keeps at most; overrides config.json's `meshSize` (tests, benchmarks). */
  meshSize?: number
  /**
   * false: the DHT node says it is reachable directly, so peers dial it instead of
   * punching through. Benchmarks only: between two processes on loopback a punched
   * connection often opens on one side only (docs/BENCHMARKS.md).
   */
  firewalled?: boolean
}

/**
 * A LinkUp member: one corestore, one swarm, one identity, and the rooms it joined.
 * Everything the shells and the bot do goes through here.
 */
export class LinkupNode extends EngineEmitter {
  readonly storage: string
  readonly stats = {
    invalidEntries: 0,
    droppedFrames: 0,
    droppedPeers: 0,
    /** Peers disconnected (and banned for a while) for sending invalid frames. */
    bannedPeers: 0,
  }
  private readonly penalties = new Penalties(() => this.stats.bannedPeers++)
  /** Dialled sockets the peer never took: dropped fast, so hyperswarm redials (net/half-open.ts). */
  readonly halfOpen = new HalfOpenGuard()
  readonly clock = new HybridClock()
  identity!: Identity
  store!: any
  swarm!: any
  /** Files, voice notes and avatars: the own drive and downloads (src/core/files.ts). */
  files!: Files
  private config: ConfigStore
  private readonly lock: StorageLock
  private readonly disk: DiskGuard
  private readonly heads: Heads
  private recordedHeads: Record<string, number> = {}
  /** Rooms whose stored history failed to open or came back shorter (see heads.ts). */
  readonly damaged: DamagedRoom[] = []
  private readonly rooms_ = new Map<string, Room>()
  private readonly authorisedConns = new WeakSet<any>()
  private readonly hellos = new Map<any, Hello>()
  private readonly scopes = new CoreScopes()
  private readonly roomTimers = new Map<Room, NodeJS.Timeout>()
  private readonly sendOrder = new WeakMap<Room, Promise<void>>()
  /** Sends of a room still waiting for their checks: a new one waits behind them. */
  private readonly sendsWaiting = new WeakMap<Room, number>()
  private lastRediscover = 0
  /** Replies, reactions, mentions, typing, search, ~info: src/core/social.ts. */
  readonly social = new Social(this)
  private opening: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor(private readonly opts: LinkupNodeOptions) {
    super()
    this.storage = path.resolve(opts.storage)
    this.lock = new StorageLock(this.storage)
    this.disk = new DiskGuard(this.storage)
    this.heads = new Heads(this.storage)
    this.config = new ConfigStore(this.storage, opts.defaultName ?? 'Anonymous')
  }

  ready(): Promise<void> {
    if (!this.opening)
      this.opening = this.open().catch((err) => {
        throw storageError(err, this.storage)
      })
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
      const dht = new DHT({
        bootstrap: this.opts.bootstrap,
        host: this.opts.host,
        ...(this.opts.firewalled === false ? { firewalled: false } : {}),
      })
      const seed = crypto.hash(
        Buffer.concat([Buffer.from('linkup/swarm'), this.identity.keyPair.secretKey]),
      )
      this.swarm = new Hyperswarm({
        dht,
        keyPair: DHT.keyPair(seed),
        maxPeers: MAX_CONNECTIONS,
        backoffs: RETRY_BACKOFFS_MS,
        jitter: RETRY_JITTER_MS,
      })
      this.swarm.on('connection', (conn: any) => this.onConnection(conn))
      dht.on('network-update', () => this.emit('network:updated', { online: this.online }))
      if (this.opts.bot !== undefined && this.opts.bot !== this.config.data.profile.bot) {
        this.config.data.profile.bot = this.opts.bot
        await this.config.save()
      }
      await this.openRooms()
    } catch (err) {
      await this.files?.close().catch(() => {})
      await this.store?.close().catch(() => {})
      this.lock.release()
      throw err
    }
  }

  /** Opens every joined room; one whose storage is damaged is named, the others open. */
  private async openRooms(): Promise<void> {
    const recorded = (this.recordedHeads = await this.heads.load())
    for (const state of this.config.data.rooms) {
      try {
        await this.openRoom(state)
      } catch (err: any) {
        this.rooms_.delete(state.key)
        this.damaged.push({
          room: state.key,
          name: state.name,
          message: `Room “${state.name}” could not be opened from ${path.join(this.storage, 'cores')}: ${err?.message ?? err}`,
        })
      }
    }
    this.damaged.push(...this.heads.damaged(recorded, this.ownLengths()))
  }

  private ownLengths(): Array<{ key: string; name: string; length: number }> {
    return [...this.rooms_.values()].map((room) => ({
      key: room.key,
      name: room.state.name,
      length: room.timeline.writers.get(room.ownKey)?.core.length ?? 0,
    }))
  }

  private onConnection(conn: any): void {
    conn.on('error', () => {})
    if (this.penalties.banned(conn)) {
      conn.destroy(new Error('Banned for a while: it sent invalid frames'))
      return
    }
    if (!this.admitConnection(conn)) return
    this.halfOpen.watch(conn)
    const hello = new Hello(conn, () => [...this.rooms_.values()].map((r) => r.keyBuf), {
      ontags: () => {
        for (const room of this.rooms_.values()) room.attach(conn, hello.proved(room.keyBuf))
      },
      // A hello of the wrong size, or resent faster than ours ever are: dropped and banned.
      onbad: () => {
        this.stats.droppedFrames++
        this.penalties.ban(conn, 'Malformed or flooded hello')
      },
    })
    this.hellos.set(conn, hello)
    for (const room of this.rooms_.values()) room.attach(conn, false)
    // A socket on which no room channel opens is dead weight: when two peers dial each
    // other at once one side can keep a socket the other dropped, and between two
    // processes on loopback a client can finish its handshake on a socket the server
    // never reports. Hyperswarm will not replace it, so drop it and look the rooms up
    // again; a channel normally opens within a few ms of the handshake.
    let waited = false
    const reap = () => {
      if (this.authorisedConns.has(conn) || conn.destroyed || this.closing) return
      // The peer's hello proved a room whose link is opening on this socket: the peer is
      // alive and holds the key, only busy (many members joining at once keep a member
      // busy for seconds). Dropping it would cost both sides a new dial to the same end;
      // the room closes that channel itself if it does not open (PENDING_CHANNEL_MS).
      if (!waited && [...this.rooms_.values()].some((room) => room.linking(conn))) {
        waited = true
        timer = setTimeout(reap, STALE_LINKING_MS)
        return
      }
      conn.destroy()
      if (Date.now() - this.lastRediscover < REDISCOVER_GAP_MS) return
      this.lastRediscover = Date.now()
      for (const room of this.rooms_.values()) room.rediscover()
    }
    let timer = setTimeout(reap, STALE_CONNECTION_MS)
    conn.once('close', () => {
      clearTimeout(timer)
      this.hellos.delete(conn)
      for (const room of this.rooms_.values()) room.detach(conn)
    })
  }

  /**
   * Sybil guard. Anyone who saw a room's topic on the DHT can dial us, key or not, and
   * hyperswarm caps only the connections it dials itself. A connection beyond
   * MAX_CONNECTIONS, or beyond MAX_UNPROVEN_CONNECTIONS that have not yet proved a room,
   * is closed on arrival: a horde without the key cannot crowd out the peers that proved
   * one, and those are never closed here.
   */
  private admitConnection(conn: any): boolean {
    const all = this.swarm.connections as Set<any>
    let unproven = 0
    for (const c of all) if (!this.authorisedConns.has(c)) unproven++
    if (all.size <= MAX_CONNECTIONS && unproven <= MAX_UNPROVEN_CONNECTIONS) return true
    conn.destroy()
    return false
  }

  private async openRoom(state: RoomConfig): Promise<Room> {
    state.joined ??= Date.now() // a room from 0.1: nothing before today counts as late
    const keyBuf = b4a.from(state.key, 'hex') as Buffer
    const room = new Room(
      {
        store: this.store,
        swarm: this.swarm,
        scopes: this.scopes,
        quotas: this.opts.quotas !== false,
        clock: this.clock,
        stats: this.stats,
        badFrame: (conn) => this.penalties.frame(conn),
        profile: () => ({
          name: this.config.data.profile.name,
          avatar: this.config.data.profile.avatar,
          bot: this.config.data.profile.bot,
        }),
        authorised: (conn) => this.authorisedConns.add(conn),
        meshSize: this.opts.meshSize ?? this.config.data.meshSize,
      },
      state,
      this.identity.writerKeyPair(Buffer.from(keyBuf)),
      () => this.config.save(),
    )
    this.rooms_.set(state.key, room)
    this.files.attach(room) // first, so file entries carry their fileState when emitted
    const drives = await this.files.openRoom(room, {
      namespace: this.identity.driveNamespace(keyBuf),
      replicate: (core, eager) => room.replicate(core, eager),
      foreign: (key) => {
        const owner = this.scopes.belongsTo(key)
        return owner !== undefined && owner !== room.key
      },
      remember: (key) => {
        const known = (state.drives ??= [])
        if (known.includes(key) || known.length >= MAX_WRITERS_PER_ROOM) return
        known.push(key)
        this.config.save().catch(() => {})
      },
    })
    drives.reopen(state.drives ?? [])
    const avatar = await this.files
      .roomAvatar(room, this.config.data.profile.avatar, state.avatar ?? null)
      .catch(() => state.avatar ?? null)
    if (avatar !== state.avatar) {
      state.avatar = avatar
      await this.config.save()
    }
    room.on('entry:added', (item) => {
      this.emit('entry:added', item)
      if (!item.own) this.roomChanged(room)
    })
    room.on('entry:updated', (item) => this.emit('entry:updated', item))
    room.on('peer:connected', (peer) => this.emit('peer:connected', peer))
    room.on('peer:left', (peer) => this.emit('peer:left', peer))
    room.on('room:updated', () => this.emit('room:updated', room.info()))
    room.on('sync', (p) => this.emit('sync:progress', p))
    room.on('member:paused', (p) => this.emit('member:paused', p))
    room.on('typing', (members) => this.emit('typing:updated', { room: room.key, members }))
    await room.open()
    this.social.opened(room)
    if (!state.filesMoved) {
      const moved = await this.files.moveLegacy(room, drives)
      if (moved > 0)
        await room.append({
          t: 'moved',
          h: this.clock.tick(),
          from: this.files.home.key,
          to: drives.key,
        })
      state.filesMoved = true
      await this.config.save()
    }
    // Tell every peer of our new tag set (same size as before) and open where it matches.
    for (const [conn, hello] of this.hellos) {
      hello.resend()
      room.attach(conn, hello.proved(room.keyBuf))
    }
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
    if (this.rooms_.size >= MAX_ROOMS)
      throw new Error(`You are in ${MAX_ROOMS} rooms, the most LinkUp holds: leave one first.`)
    const alias = (name ?? '')
      .normalize('NFC')
      .replace(/[\u0000-\u001f\u007f]/gu, '')
      .trim()
    if ([...alias].length > MAX_ROOM_NAME_CHARS)
      throw new Error(`A room name has at most ${MAX_ROOM_NAME_CHARS} characters.`)
    const name_ = alias || `Room ${parsed.key.slice(0, 6)}`
    const state: RoomConfig = {
      key: parsed.key,
      name: name_,
      cleared: '',
      read: '',
      writers: [],
      avatar: null,
      joined: Date.now(),
      filesMoved: true, // a new room has no files in the old shared drive
      drives: [],
    }
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
    await this.files.closeRoom(room)
    for (const hello of this.hellos.values()) hello.resend()
    this.emit('room:left', { key })
  }

  async send(room: string, text: string, opts: SendOptions = {}): Promise<TimelineEntry> {
    if (typeof text !== 'string' || !text.trim()) throw new Error('A message needs some text.')
    if (Buffer.byteLength(text) > MAX_TEXT_BYTES)
      throw new Error(`A message has at most ${MAX_TEXT_BYTES / 1024} KiB of text.`)
    const r = this.room(room)
    // What a send checks first is async, and checks can finish out of order: they run in
    // turn per room, so messages are stamped and written in the order send() was called.
    // A plain message while none waits, with the disk checked a moment ago, needs no wait
    // and goes straight on (chaining every message of a burst cost 20% of its speed).
    const waiting = this.sendsWaiting.get(r) ?? 0
    let extra: Awaited<ReturnType<Social['textFields']>> = {}
    if (waiting || opts.replyTo !== undefined || opts.mentions?.length || !this.disk.fresh) {
      this.sendsWaiting.set(r, waiting + 1)
      const prev = this.sendOrder.get(r) ?? Promise.resolve()
      const ready = prev.then(async () => {
        await this.disk.check()
        return this.social.textFields(r, opts)
      })
      this.sendOrder.set(
        r,
        ready.then(
          () => {},
          () => {},
        ),
      )
      try {
        extra = await ready
      } finally {
        this.sendsWaiting.set(r, (this.sendsWaiting.get(r) ?? 1) - 1)
      }
    }
    const item = await r
      .append({ t: 'text', h: this.clock.tick(), text, ...extra })
      .catch((err) => {
        throw storageError(err, this.storage)
      })
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
    if (item.file) await this.files.removeOwn(r, item.file)
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
    // A writer is a member once a valid entry of it has arrived, never on a gossiped key alone.
    const members: Array<Member & { since: number }> = [...r.timeline.writers.values()]
      .filter((w) => w.own || w.seen)
      .map((w) => ({
        since: w.own ? 0 : r.memberSince(w),
        key: w.key,
        name: w.own ? this.profile.name : w.name || 'Anonymous',
        avatar: w.own ? (r.state.avatar ?? null) : w.avatar,
        online: w.own || online.has(w.key) || r.presence.online(w.key),
        lastSeen: w.own ? null : r.presence.lastSeen(w.key),
        own: w.own,
        muted: r.moderation.muted(w.key),
        blocked: r.moderation.blocked(w.key),
        paused: w.paused ?? null,
        bot: w.own ? this.config.data.profile.bot : !!w.bot,
      }))
    markLookalikes(members)
    // Blocked members are no longer followed, but stay listed so they can be unblocked.
    for (const key of r.state.blocked ?? [])
      if (!r.timeline.writers.has(key))
        members.push({
          key,
          name: 'Blocked member',
          avatar: null,
          online: false,
          own: false,
          muted: true,
          blocked: true,
          since: 0,
        })
    return members.map(({ since: _since, ...m }) => m)
  }

  /**
   * ~mute / ~block (and their undo) a member named by display name or fingerprint, or by
   * writer key (the member list's menu): local to this device, kept in config.json.
   * Resolves to the member it applied to.
   */
  async moderate(room: string, kind: 'mute' | 'block', who: string, on: boolean): Promise<Member> {
    const r = this.room(room)
    const keys = [...(r.state.blocked ?? []), ...(r.state.muted ?? [])]
    const listed = keys.map((key) => ({ key, name: '', seen: true, own: false }) as any)
    const writers = [...r.timeline.writers.values(), ...listed]
    const target = /^[0-9a-f]{64}$/u.test(who)
      ? (writers.find((w) => w.key === who && !w.own && w.seen) ?? noMember(who))
      : findMember(writers, who)
    await r.moderate(kind, target.key, on)
    // Blocking closed the room's channel but not the socket (it may carry other rooms, and
    // an authorised one is kept), and hyperswarm dials nobody it is connected to: the
    // channel opens again on every socket whose peer proved this room.
    if (kind === 'block' && !on)
      for (const [conn, hello] of this.hellos)
        if (hello.proved(r.keyBuf) && !conn.destroyed) r.attach(conn, true)
    await this.config.save()
    this.emit('room:updated', r.info())
    return (
      this.members(room).find((m) => m.key === target.key) ?? {
        key: target.key,
        name: target.name || 'Anonymous',
        avatar: null,
        online: false,
        own: false,
        muted: r.moderation.muted(target.key),
        blocked: r.moderation.blocked(target.key),
      }
    )
  }

  /** Lets a member who went over a quota in again; false if they were not paused. */
  resumeMember(room: string, key: string): boolean {
    const resumed = this.room(room).resume(key)
    if (resumed) this.emit('room:updated', this.room(room).info())
    return resumed
  }

  /** How much of the room's history is here, per writer, and whether a gap stays open. */
  syncProgress(room: string): Promise<SyncProgress> {
    return this.room(room).sync.report()
  }

  peers(room: string): PeerInfo[] {
    return this.room(room).peers()
  }

  async markRead(room: string): Promise<RoomInfo> {
    const r = this.room(room)
    if (r.markRead()) await this.config.save()
    const info = r.info()
    this.emit('room:updated', info)
    return info
  }

  async clear(room: string): Promise<void> {
    const r = this.room(room)
    r.clear()
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
  async sendFile(
    room: string,
    filePath: string,
    opts: { type?: string; name?: string } = {},
  ): Promise<TimelineEntry> {
    const r = this.room(room)
    await this.disk.check()
    return this.files.sendFile(r, filePath, opts)
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
    for (const room of this.rooms_.values())
      room.state.avatar = await this.files.roomAvatar(room, p.avatar, room.state.avatar ?? null)
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
    return this.files.readAvatar(this.room(room), m?.avatar ?? null, !!m?.own)
  }

  // ---- end of files ----

  /** The drives of a room: the own one and those opened from its entries (tests, benchmarks). */
  drives(room: string): Drives {
    return this.files.drivesOf(this.room(room))
  }

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
    if (this.rooms_.size) {
      const lengths = Object.fromEntries(this.ownLengths().map((r) => [r.key, r.length]))
      // A damaged room keeps its old figure, so the warning stays until it is repaired.
      for (const d of this.damaged) lengths[d.room] = this.recordedHeads[d.room] ?? 0
      await this.heads.save(lengths).catch(() => {})
    }
    await Promise.all([...this.rooms_.values()].map((room) => room.close()))
    this.rooms_.clear()
    await this.config.flush()
    await this.swarm?.destroy().catch(() => {})
    await this.store?.close().catch(() => {})
    this.lock.release()
  }
}

function noMember(key: string): never {
  throw new Error(`No other member of this room has the key ${key.slice(0, 8)}….`)
}

import b4a from 'b4a'
import { EventEmitter } from 'node:events'
import type { Entry } from '../../shared/entries'
import { decodeBlock, entryId, HLC_SHIFT, parseEntryId } from '../../shared/entries'
import { MAX_CLOCK_AHEAD_MS, MAX_WRITERS_PER_ROOM } from '../../shared/limits'
import type { FileRef, PeerInfo, RoomInfo, TimelineEntry } from '../../shared/types'
import { RoomChannel } from '../net/channel'
import { forgedProof, type ReceivedPush } from '../net/block-push'
import type { CoreScopes } from '../net/scope'
import { CoreLinks } from '../net/core-links'
import type { HybridClock } from './clock'
import { roomTopic } from '../net/crypto'
import type { KeyPair } from '../identity'
import { Timeline, type Writer } from './timeline'
import { BatchWriter } from './writer'
import { Delivery } from './delivery'
import { Mesh } from '../net/mesh'
import { SyncTracker } from './sync'
import { hlcTime } from './clock'
import { Admission } from './admission'
import { Marks } from './marks'
import { WriterQuota } from './quota'
import { ModerationList, type Moderation } from './moderation'
import { Social } from './social'
import { Presence } from './presence'
import { CatchUp } from './fetch'

const ADMISSION_CHECK_MS = 5000
/** Whether a block holds an entry that is valid and not dated past the clock limit. */
function provesWriter(block: Uint8Array): boolean {
  const limit = (Date.now() + MAX_CLOCK_AHEAD_MS) * HLC_SHIFT
  return decodeBlock(block).entries.some(({ entry }) => entry.h <= limit)
}

/** A room channel the peer has not opened by then is closed (it held a place in the mesh). */
const PENDING_CHANNEL_MS = 5000
/** A member that refused us (its mesh is full) closes at once; if it does not, we do. */
const REFUSED_CLOSE_MS = 2000
/** Writers vouched for within this long are saved together (a crowd joining: one write, not 31). */
const VOUCH_SAVE_MS = 1000
/** Writers first seen this soon after we joined were there before us (our catch-up). */
const JOINED_WITH_MS = 60_000

export interface RoomContext {
  store: any
  swarm: any
  scopes: CoreScopes
  /** Per-writer history quotas on (false only for benchmarks that flood on purpose). */
  quotas: boolean
  clock: HybridClock
  stats: { invalidEntries: number; droppedFrames: number; droppedPeers: number }
  /** A frame on this connection failed validation: counted; too many drop the peer. */
  badFrame(conn: any): void
  profile(): { name: string; avatar: any; bot?: boolean }
  /** Called once a room channel opened on a connection: it is not dead weight. */
  authorised(conn: any): void
  /** Room channels (mesh links) this room keeps at most (src/core/net/mesh.ts). */
  meshSize: number
}

export interface RoomState {
  key: string
  name: string
  cleared: string
  read: string
  writers: string[]
  /** This room's copy of the member's avatar, in the room's own drive. */
  avatar?: FileRef | null
  /** Files from before per-room drives were moved into this room's drive. */
  filesMoved?: boolean
  /** Other members' drives opened in this room: reopened at start, to serve what is held. */
  drives?: string[]
  /** Per writer, the block seq up to which everything is read, or hidden by ~clear (marks.ts). */
  readSeqs?: Record<string, number>
  clearedSeqs?: Record<string, number>
  /** When this node first read a valid entry of each writer (ms): who came first, unforgeably. */
  firstSeen?: Record<string, number>
  /** When this node joined the room (ms); set on first start for rooms from 0.1. */
  joined?: number
  /** Writer keys muted or blocked here (moderation.ts). */
  muted?: string[]
  blocked?: string[]
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
  private mesh: Mesh | null = null
  readonly presence: Presence
  private readonly following = new Set<string>()
  /** Each followed writer's core once it is open and in the timeline (null: not followed after all). */
  private readonly writerCores = new Map<string, Promise<any>>()
  /** Per writer, what a block arriving does (a download, or a push applied). */
  private readonly arrivals = new Map<string, (seq: number) => void>()
  /** Per writer, the pushed blocks being applied, one after another. */
  private readonly applying = new Map<string, Promise<void>>()
  private readonly vouched = new Set<string>()
  private readonly quotas = new Map<string, WriterQuota>()
  private readonly admission = new Admission()
  private admissionTimer: NodeJS.Timeout | null = null
  private readonly paired = new Map<any, () => void>()
  private readonly running = new Set<string>()
  private readonly dirty = new Set<string>()
  readonly sync: SyncTracker
  private readonly marks: Marks
  readonly moderation: ModerationList
  private readonly fetch = new CatchUp((key) => !!this.quotas.get(key)?.paused)
  private readonly cores: any[] = []
  /** Which of this room's cores (writers, drives) replicate on which of its links. */
  private readonly links = new CoreLinks((key) => key === this.own?.key || this.vouched.has(key))
  private closed = false
  private saveTimer: NodeJS.Timeout | null = null

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
    this.timeline = new Timeline(
      this.key,
      ctx.clock,
      ctx.stats,
      undefined,
      () => this.state.joined ?? Date.now(),
    )
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
    this.marks = new Marks(state)
    this.moderation = new ModerationList(state)
    this.sync = new SyncTracker(this.key, this.timeline, (p) => this.emit('sync', p))
    this.presence = new Presence(
      this.keyBuf,
      writerKeyPair,
      () => this.openChannels(),
      (key) => !!this.timeline.writers.get(key)?.seen,
      (ch) => {
        this.ctx.stats.droppedFrames++
        this.ctx.badFrame(ch.conn)
      },
      () => this.emit('room:updated'),
    )
    this.timeline.on('profile', (w: Writer) => {
      this.timeline.rename(w)
      if (w.seen) {
        this.admission.proven(w.key)
        this.vouch(w.key)
      }
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
    // Not attached on every link: what we append is pushed to our neighbours (core-links.ts).
    this.replicate(core, false)
    core.on('append', () => this.links.grew(b4a.toString(core.key, 'hex')))
    this.own = await this.timeline.addWriter(core, true, this.ctx.profile().name)
    this.writer = new BatchWriter(
      core,
      () => ({
        name: this.ctx.profile().name,
        profileSeq: this.profileSeq,
        bot: this.ctx.profile().bot,
      }),
      (seq) => (this.profileSeq = seq),
      (seq, block) => this.timeline.ownBlock(seq, block),
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
    const avatar = this.state.avatar ?? null
    const avatarChanged =
      (this.own.avatar?.hash ?? null) !== (avatar?.hash ?? null) ||
      (this.own.avatar?.drive ?? null) !== (avatar?.drive ?? null)
    if (core.length === 0 || this.own.name !== this.ctx.profile().name || avatarChanged)
      await this.announceProfile()
    this.mesh = new Mesh(
      this.ctx.swarm,
      this.topic,
      this.ctx.meshSize,
      { linked: () => this.linked() },
      () => this.emit('room:updated'),
    )
    this.presence.start()
  }

  /** Swarm keys of peers whose channel here is open or on its way, not refused: true if we dialed. */
  private linked(): Map<string, boolean> {
    const keys = new Map<string, boolean>()
    for (const ch of this.channels.values())
      if (!ch.closed && !ch.refusing && !ch.remoteFull)
        keys.set(ch.remoteKey, !!ch.conn.isInitiator)
    return keys
  }

  private async findProfileSeq(core: any): Promise<number> {
    if (core.length === 0) return -1
    const block = await core.get(core.length - 1, { wait: false }).catch(() => null)
    return block ? decodeBlock(block).profileSeq : -1
  }

  /**
   * A connection on which this room may open. `proven`: the peer showed our room's tag in
   * its hello (or opened our channel id, which only a key holder can compute). Until then
   * we only listen for the peer opening the channel; nothing is sent.
   */
  attach(conn: any, proven: boolean): void {
    if (this.closed || !this.own || this.channels.has(conn)) return
    if (!this.paired.has(conn)) {
      this.paired.set(
        conn,
        RoomChannel.pair(conn, this.keyBuf, () => this.attach(conn, true)),
      )
    }
    if (!proven) return
    // Past the cap we still open, to prove ourselves and pass on our neighbours, then close.
    const full =
      !!this.mesh?.full(!!conn.isInitiator) &&
      !this.linked().has(b4a.toString(conn.remotePublicKey, 'hex'))
    const channel = new RoomChannel(
      conn,
      this.keyBuf,
      this.writerKeyPair,
      this.ctx.profile().name,
      {
        onopen: (ch) => this.onChannelOpen(ch),
        onclose: (ch, wasOpen) => this.onChannelClose(ch, wasOpen),
        onwriters: (ch, keys) => keys.forEach((k) => this.offerWriter(ch.remoteKey, k)),
        onpeers: (ch, keys) => {
          // Only a member that refused us passes its neighbours on; we dial some of them.
          if (!ch.remoteFull) return
          this.mesh?.offer(keys)
          ch.close()
        },
        ontyping: (ch, typing) => ch.writer && this.social.typing.received(ch.writer, typing),
        onpresence: (ch, frame) => this.presence.received(ch, frame),
        onhaves: (ch, haves) => {
          this.links.received(ch, haves)
          const own = haves.find(([key]) => key === this.own.key)
          if (own) this.delivery.held(ch.remoteKey, own[1], own[2])
        },
        onblock: (ch, frame) => this.receivePush(ch, frame),
        ondropped: (reason) => {
          if (reason === 'failed writer proof') this.ctx.stats.droppedPeers++
          else {
            this.ctx.stats.droppedFrames++
            this.ctx.badFrame(conn)
          }
        },
      },
      full,
    )
    if (!channel.valid || channel.closed) return
    this.channels.set(conn, channel)
    // A channel counts against the cap while it opens: one the peer never opens would hold
    // its place for good, so it is closed after a while.
    setTimeout(() => {
      if (!channel.opened && !channel.closed) channel.close()
    }, PENDING_CHANNEL_MS).unref?.()
  }

  /** A room channel on this socket that would be a link once it opens (not one refusing). */
  linking(conn: any): boolean {
    const ch = this.channels.get(conn)
    return !!ch && !ch.opened && !ch.closed && !ch.refusing
  }

  /**
   * Replicates a core of this room on its links: `eager` (our own writer, drives we opened)
   * on every link now and later; others (writers, our own drive) where a neighbour asks for
   * them or holds more than we do (core-links.ts).
   */
  replicate(core: any, eager = true): boolean {
    const key = b4a.toString(core.key, 'hex')
    if (!this.ctx.scopes.claim(key, this.key)) return false
    this.links.add(core, eager)
    return true
  }

  private onChannelOpen(ch: RoomChannel): void {
    if (this.moderation.blocked(ch.writer)) {
      ch.close() // blocked here: this room's channel is refused; their other rooms are theirs
      return
    }
    if (ch.refusing || ch.remoteFull) {
      // Not a link: the full side tells the other who else to try, then closes. A socket
      // that carries no link in any room is dropped by the node's stale-connection timer.
      if (ch.refusing) {
        ch.sendPeers(this.openChannels().map((other) => other.remoteKey))
        ch.close()
      } else setTimeout(() => ch.close(), REFUSED_CLOSE_MS).unref?.()
      this.mesh?.settled(ch.remoteKey, ch.remoteFull)
      return
    }
    this.ctx.authorised(ch.conn)
    this.mesh?.settled(ch.remoteKey, false)
    this.presence.linked(ch)
    ch.sendWriters([this.own.key, ...this.vouched])
    this.links.open(ch)
    this.addWriter(ch.writer).catch(() => {})
    this.emit('peer:connected', this.peerInfo(ch))
    this.emit('room:updated')
  }

  private onChannelClose(ch: RoomChannel, wasOpen: boolean): void {
    if (this.channels.get(ch.conn) === ch) this.channels.delete(ch.conn)
    if (this.closed) return
    this.mesh?.settled(ch.remoteKey, !wasOpen || ch.remoteFull)
    if (!wasOpen || ch.refusing || ch.remoteFull) return
    this.links.close(ch)
    if (this.openChannels().length === 0) this.mesh?.lost()
    this.social.typing.stop(ch.writer)
    this.presence.left(ch.writer)
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
  /** A writer key a peer passed on: followed on probation, within that peer's quota (admission.ts). */
  private offerWriter(from: string, key: string): void {
    if (this.closed || this.following.has(key) || this.timeline.writers.has(key)) return
    if (this.following.size >= MAX_WRITERS_PER_ROOM) return
    if (!this.admission.offer(from, key)) return
    this.addWriter(key).catch(() => {})
    if (!this.admissionTimer)
      this.admissionTimer = setInterval(() => this.expireWriters(), ADMISSION_CHECK_MS)
  }

  /** Stops following gossiped keys that showed no valid entry in time. */
  private expireWriters(): void {
    for (const key of this.admission.expired()) this.dropWriter(key).catch(() => {})
    if (!this.admission.onProbation && this.admissionTimer) {
      clearInterval(this.admissionTimer)
      this.admissionTimer = null
    }
  }

  private async dropWriter(key: string): Promise<void> {
    const w = this.timeline.writers.get(key)
    if (!w || w.seen || w.own) return
    this.following.delete(key)
    this.writerCores.delete(key)
    this.arrivals.delete(key)
    this.links.remove(key)
    this.ctx.scopes.releaseKey(key)
    // Gossiped keys come and go: nothing of a dropped one may stay behind.
    this.fetch.forget(key)
    await this.timeline.removeWriter(key)
    const at = this.cores.indexOf(w.core)
    if (at >= 0) this.cores.splice(at, 1)
    await w.core.close().catch(() => {})
  }

  /** Starts following a writer: one proven on a channel, known from config, or on probation. */
  async addWriter(key: string): Promise<void> {
    if (this.closed || this.following.has(key) || this.timeline.writers.has(key)) return
    if (this.moderation.blocked(key)) return
    // A key that is a core of another of our rooms is never followed here.
    const owner = this.ctx.scopes.belongsTo(key)
    if (owner !== undefined && owner !== this.key) return
    this.following.add(key)
    let ready: (core: any) => void = () => {}
    this.writerCores.set(key, new Promise((resolve) => (ready = resolve)))
    try {
      await this.openWriter(key, ready)
    } finally {
      ready(null) // not followed after all (a resolved promise keeps its first value)
    }
  }

  /** Opens a followed writer's core; `ready` gets it once blocks may be applied to it. */
  private async openWriter(key: string, ready: (core: any) => void): Promise<void> {
    const core = this.ctx.store.get({ key: Buffer.from(key, 'hex') })
    this.cores.push(core)
    await core.ready()
    if (this.closed || !this.replicate(core, false)) return
    const quota = new WriterQuota()
    this.quotas.set(key, quota)
    let started = core.length > 0
    if (started) quota.start(core.length, core.byteLength)
    core.on('append', () => {
      // The length a writer has when we first learn it is history, free of the quota;
      // what it appends after that is counted.
      if (!started) {
        started = true
        quota.start(core.length, core.byteLength)
        this.timeline.learned(key, core.length)
      } else if (this.ctx.quotas && !quota.paused && quota.grew(core.length, core.byteLength))
        this.pause(key)
      if (quota.paused) return
      this.fetch.grew(core)
      this.scheduleUpdate(key)
      this.sync.poke()
    })
    const arrived = (seq: number) => {
      this.links.grew(key)
      this.timeline.downloaded(key, seq)
      this.scheduleUpdate(key)
      this.sync.poke()
    }
    this.arrivals.set(key, arrived)
    core.on('download', arrived)
    this.fetch.follow(core)
    const w = await this.timeline.addWriter(core, false)
    // Pushed blocks apply from here on: the timeline follows the writer, so it reads them.
    ready(core)
    this.scheduleUpdate(key)
    if (w.seen) this.vouch(key)
  }

  /** A writer's block pushed by a neighbour: applied one after another per writer. */
  private receivePush(ch: RoomChannel, frame: ReceivedPush): void {
    const key = b4a.toString(frame.key, 'hex')
    if (this.closed || key === this.own?.key || this.moderation.blocked(key)) return
    // A core a session carries, on any link, gets its blocks there: hypercore's replicator
    // can stall for good on an upgrade applied beside its own requests in flight (seen on
    // the same link, and in the 200,000-message flood test across links: Bob's pushes of
    // Mallory's blocks beside Alice's session with Mallory). Sessions pass on new blocks
    // by themselves, as they did before pushes.
    if (this.links.attachedAnywhere(key)) return
    if (!this.links.pushStarted(ch.conn, key)) {
      this.ctx.stats.droppedFrames++ // a flood: it comes again by session if it was real
      return
    }
    const apply = async () => {
      let got: 'applied' | 'held' | null = null
      try {
        got = await this.applyPush(ch, key, frame)
      } finally {
        // Only a frame that verified here is passed on as is.
        const index = got === null ? null : frame.proof.block.index
        this.links.pushDone(ch.conn, key, index, got === 'applied' ? frame : undefined)
      }
    }
    const prev = this.applying.get(key) ?? Promise.resolve()
    const run = prev.then(apply, apply)
    this.applying.set(key, run)
    run.catch(() => {}).finally(() => this.applying.get(key) === run && this.applying.delete(key))
  }

  /** Whether the frame applied, or we held its block already; null if neither (stale, forged). */
  private async applyPush(
    ch: RoomChannel,
    key: string,
    frame: ReceivedPush,
  ): Promise<'applied' | 'held' | null> {
    // A writer we do not follow yet is offered by the sender, like a gossiped key: on probation.
    if (!this.writerCores.has(key)) this.offerWriter(ch.remoteKey, key)
    const core = await this.writerCores.get(key)
    if (!core || this.closed || core.closing || this.quotas.get(key)?.paused) return null
    const index = frame.proof.block.index
    if (await core.has(index)) return 'held'
    const length = core.length
    // Made for a longer core than ours (we were told of a length we did not keep): stale.
    if (length < frame.assumed || frame.proof.fork !== core.fork) return null
    try {
      if (!(await core.applyProof(frame.proof))) return null
    } catch (err) {
      if (this.closed || core.closing) return null
      // A proof made for the very length we have (still: a session may have grown it
      // meanwhile) fails only if it is forged or broken.
      if (forgedProof(err) || (length === frame.assumed && core.length === length)) {
        this.ctx.stats.droppedFrames++
        this.ctx.badFrame(ch.conn)
      }
      return null
    }
    this.arrivals.get(key)?.(index)
    // A signed block with a valid entry proves the key as the timeline's read of it would:
    // vouched now, so it is passed on at once rather than after that read.
    if (!this.vouched.has(key) && provesWriter(frame.proof.block.value)) {
      this.admission.proven(key)
      this.vouch(key)
    }
    return 'applied'
  }

  /**
   * A writer whose valid entry we have read: kept in config and passed on to peers. Keys
   * nobody has shown an entry for are neither saved nor gossiped, so fake keys do not
   * spread from us and are never listed as members.
   */
  private vouch(key: string): void {
    if (key === this.own?.key || this.vouched.has(key)) return
    this.vouched.add(key)
    if (!this.state.writers.includes(key)) {
      this.state.writers.push(key)
      ;(this.state.firstSeen ??= {})[key] ??= Date.now()
      this.saveTimer ??= setTimeout(() => {
        this.saveTimer = null
        this.persist()
      }, VOUCH_SAVE_MS)
    }
    for (const ch of this.channels.values()) ch.sendWriters([key])
    this.links.grew(key)
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
        this.sync.poke(false)
      }
      this.running.delete(key)
    }
    run()
  }

  async append(entry: Entry): Promise<TimelineEntry | null> {
    const { seq, i } = await this.writer.append(entry)
    this.delivery.track(seq, i)
    await this.timeline.update(this.own.key)
    // Scrolled far back, the newest entries are not held: sending shows them again.
    await this.timeline.toNewest()
    const id = entryId(this.own.key, seq, i)
    return this.timeline.get(id) ?? (await this.timeline.lookup(id))
  }

  async announceProfile(): Promise<void> {
    const { name, bot } = this.ctx.profile()
    // The avatar each room shows is a copy in that room's own drive (rooms share no drive).
    const avatar = this.state.avatar ?? null
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
    return !this.marks.cleared(item) && !this.moderation.muted(item.author)
  }

  /** Mutes or blocks a member here, or undoes it; blocking stops following their core. */
  async moderate(kind: Moderation, key: string, on: boolean): Promise<boolean> {
    if (!this.moderation.set(kind, key, on)) return false
    if (kind === 'block' && on) {
      for (const ch of this.channels.values()) if (ch.writer === key) ch.close()
      await this.unfollow(key)
    } else if (kind === 'block') {
      await this.addWriter(key)
      this.mesh?.retry() // their dials were refused while blocked: link again now
    }
    this.persist()
    return true
  }

  /** A writer went over a quota: its new blocks are no longer fetched until resume(). */
  private pause(key: string): void {
    const quota = this.quotas.get(key)
    const w = this.timeline.writers.get(key)
    if (!quota?.paused || !w) return
    this.fetch.pause(key)
    w.paused = quota.paused
    this.emit('member:paused', {
      room: this.key,
      key,
      name: w.name || 'Anonymous',
      reason: quota.paused,
    })
  }

  /** The member lets a paused writer's blocks in again (over the quota, by choice). */
  resume(key: string): boolean {
    const quota = this.quotas.get(key)
    const w = this.timeline.writers.get(key)
    if (!quota?.paused || !w) return false
    quota.resume(w.core.length, w.core.byteLength)
    w.paused = null
    this.fetch.resume(w.core)
    this.scheduleUpdate(key)
    this.sync.poke()
    return true
  }

  /**
   * Since when a member has been in the room, for telling copied names apart. A writer that
   * was there when we joined has only its own entries' dates to go by; one that came later
   * cannot claim to predate the moment we first saw it, whatever its clock says.
   */
  memberSince(w: Writer): number {
    const dated = hlcTime(w.since)
    const seen = this.state.firstSeen?.[w.key]
    const joined = this.state.joined ?? 0
    return seen !== undefined && seen > joined + JOINED_WITH_MS ? Math.max(dated, seen) : dated
  }

  /** Whether a file of this writer may download by itself (its automatic-download quota). */
  autoDownload(key: string, size: number): boolean {
    return this.quotas.get(key)?.autoDownload(size) ?? true
  }

  /** Stops following a writer: its core is closed here and no longer served or stored. */
  private async unfollow(key: string): Promise<void> {
    const w = this.timeline.writers.get(key)
    if (!w || w.own) return
    this.following.delete(key)
    this.writerCores.delete(key)
    this.arrivals.delete(key)
    this.links.remove(key)
    this.vouched.delete(key)
    this.state.writers = this.state.writers.filter((k) => k !== key)
    this.ctx.scopes.releaseKey(key)
    // The live range belongs to the core closed below: following again (~unblock) starts anew.
    this.fetch.forget(key)
    await this.timeline.removeWriter(key, true)
    const at = this.cores.indexOf(w.core)
    if (at >= 0) this.cores.splice(at, 1)
    await w.core.close().catch(() => {})
  }

  async history(before: string | undefined, limit: number): Promise<TimelineEntry[]> {
    const items = await this.timeline.page(before, limit)
    return items.filter((item) => this.visible(item)).map((item) => this.social.decorate(item))
  }

  info(): RoomInfo {
    let unread = 0
    for (const item of this.timeline.loaded)
      if (!item.own && !item.deleted && this.visible(item) && !this.marks.read(item)) unread++
    return {
      key: this.key,
      name: this.state.name,
      peers: this.openChannels().length,
      unread,
      readMark: this.state.read,
      clearedMark: this.state.cleared,
      finding: this.mesh?.finding() ?? null,
    }
  }

  /** Marks what has been read here as read, per writer; true if anything changed. */
  markRead(): boolean {
    return this.marks.markRead(this.timeline.writers.values(), this.lastOrder())
  }

  /** ~clear: hides, on this device, everything read here so far, per writer. */
  clear(): void {
    this.marks.clear(this.timeline.writers.values(), this.lastOrder())
  }

  lastOrder(): string {
    const loaded = this.timeline.loaded
    return loaded.length ? loaded[loaded.length - 1].order : ''
  }

  openChannels(): RoomChannel[] {
    const byPeer = new Map<string, RoomChannel>()
    for (const ch of this.channels.values()) if (ch.linked) byPeer.set(ch.remoteKey, ch)
    return [...byPeer.values()]
  }

  peers(): PeerInfo[] {
    return this.openChannels().map((ch) => this.peerInfo(ch))
  }

  /** The connection closed (the node listens once per connection, not once per room). */
  detach(conn: any): void {
    this.paired.delete(conn)
    const ch = this.channels.get(conn)
    if (ch) this.links.close(ch)
    this.channels.delete(conn)
  }

  /** Tells direct peers we are typing, at most once per TYPING_SEND_MS. */
  sendTyping(typing = true): void {
    if (typing && !this.social.typing.shouldSend()) return
    if (!typing && !this.social.typing.sent()) return
    for (const ch of this.openChannels()) ch.sendTyping(typing)
  }

  rediscover(): void {
    this.mesh?.refresh()
  }

  /** Resolves once this room is announced on the DHT, so others looking it up find us. */
  async flushed(): Promise<void> {
    await this.mesh?.flushed()
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.writer?.close()
    this.closed = true
    if (this.saveTimer) {
      clearTimeout(this.saveTimer)
      this.saveTimer = null
      this.persist()
    }
    this.fetch.close()
    this.mesh?.destroy()
    this.links.destroy()
    this.presence.close()
    this.sync.close()
    this.timeline.close()
    if (this.admissionTimer) clearInterval(this.admissionTimer)
    this.social.close()
    for (const unpair of this.paired.values()) unpair()
    this.paired.clear()
    for (const ch of this.channels.values()) ch.close()
    this.channels.clear()
    await this.ctx.swarm.leave(this.topic).catch(() => {})
    this.ctx.scopes.release(this.key)
    await Promise.all(this.cores.map((core) => core.close().catch(() => {})))
  }
}

import b4a from 'b4a'
import Hypercore from 'hypercore'
import crypto from 'hypercore-crypto'
import sodium from 'sodium-universal'
import { MAX_CLOCK_AHEAD_MS, MAX_WRITERS_PER_ROOM } from '../../shared/limits'
import { Bucket } from '../bucket'
import type { KeyPair } from '../identity'
import type { PresenceFrame, RoomChannel } from '../net/channel'

// Who is online in a room, beyond the few members we hold a channel with. Every member
// signs a beacon with its room writer key every PRESENCE_EVERY_MS and sends it to its mesh
// neighbours; each passes a beacon it had not seen on to its own, until the hop limit.
// Beacons are never stored in history. A beacon is bound to the room key (a member of
// two rooms cannot have its beacon replayed from one into the other) and dated; we keep
// the time it reached us, not the time it claims, so a forged date shows nobody online.

export const PRESENCE_EVERY_MS = 15_000
/** A member whose last beacon reached us longer ago than this is shown offline. */
export const PRESENCE_TTL_MS = 40_000
/** Hops a beacon travels: the diameter of a 10,000-member mesh of degree 8 is about 5. */
export const PRESENCE_HOPS = 6
/**
 * A member's beacons are taken at most this often: each one is verified and passed on
 * through the whole room, so a member signing beacons in a loop must not flood it.
 */
const MIN_BEACON_GAP_MS = 5000
/** Beacons one neighbour may pass us: a burst, then a steady rate (a large room relays many). */
const BEACON_BURST = 256
const BEACONS_PER_MS = 100 / 1000

export function presenceMessage(roomKey: Buffer, at: number): Buffer {
  const out = Buffer.alloc(32)
  const time = Buffer.alloc(8)
  time.writeBigUInt64BE(BigInt(at))
  sodium.crypto_generichash(out, Buffer.concat([Buffer.from('linkup/presence/1'), time]), roomKey)
  return out
}

interface Seen {
  /** The beacon's own date: a newer one replaces it. */
  at: number
  /** When it reached us (our clock), or when its direct link with us closed. */
  heard: number
  /** Null for a member we only know left (its link closed before any beacon). */
  frame: PresenceFrame | null
  /** Its direct link with us closed since: offline until a newer beacon says otherwise. */
  gone: boolean
}

/** Signer-to-writer-key derivations remembered (a hash each): past this, forgotten at once. */
const MAX_SIGNERS_CACHED = 2 * MAX_WRITERS_PER_ROOM

export class Presence {
  private readonly seen = new Map<string, Seen>()
  /**
   * Writer key (hex) of each signer (hex) seen lately. Every member's beacon reaches us once
   * per neighbour that relays it; deriving the key (a hash) and decoding hex for each copy
   * before finding it already heard cost a room of 64 members in one process ~3% of its time.
   */
  private readonly signers = new Map<string, string>()
  private ownKey: string | null = null
  private readonly limits = new WeakMap<RoomChannel, Bucket>()
  private timer: NodeJS.Timeout | null = null
  private closed = false

  constructor(
    private readonly roomKey: Buffer,
    private readonly writer: KeyPair,
    /** Open mesh channels of the room now. */
    private readonly channels: () => RoomChannel[],
    /** Whether this writer key is a member we follow (only their beacons count). */
    private readonly member: (key: string) => boolean,
    /** A beacon failed its signature: counted against the neighbour that sent it. */
    private readonly bad: (ch: RoomChannel) => void,
    /** Someone came online or went offline here. */
    private readonly changed: () => void,
  ) {}

  start(): void {
    if (this.timer || this.closed) return
    // Members who joined together would beacon together for good: every PRESENCE_EVERY_MS,
    // a burst of beacons verified and passed on through the whole room at the same moment
    // (a message sent then waits behind it). A random first delay spreads them out.
    const tick = () => {
      this.beacon()
      this.expire()
    }
    this.timer = setTimeout(() => {
      if (this.closed) return
      tick()
      this.timer = setInterval(tick, PRESENCE_EVERY_MS)
      this.timer.unref?.()
    }, Math.random() * PRESENCE_EVERY_MS)
    this.timer.unref?.()
  }

  /** A neighbour just linked: it hears us now, and who we heard from lately. */
  linked(ch: RoomChannel): void {
    ch.sendPresence(this.own())
    const now = Date.now()
    for (const s of this.seen.values())
      if (s.frame && !s.gone && now - s.heard < PRESENCE_TTL_MS && s.frame.hops > 1)
        ch.sendPresence({ ...s.frame, hops: s.frame.hops - 1 })
  }

  /**
   * A member's direct link closed: it most likely went offline, so it is not shown online
   * for the rest of its beacon's time. If it is still around, its next beacon says so.
   */
  left(key: string): void {
    const s = this.seen.get(key)
    if (s) {
      s.gone = true
      s.heard = Date.now()
    } else if (this.seen.size < MAX_WRITERS_PER_ROOM)
      this.seen.set(key, { at: 0, heard: Date.now(), frame: null, gone: true })
  }

  /** When a member's beacon last reached us (ms, our clock), or null. */
  lastSeen(key: string): number | null {
    return this.seen.get(key)?.heard ?? null
  }

  online(key: string): boolean {
    const s = this.seen.get(key)
    return !!s && !s.gone && Date.now() - s.heard < PRESENCE_TTL_MS
  }

  received(ch: RoomChannel, frame: PresenceFrame): void {
    let bucket = this.limits.get(ch)
    if (!bucket) this.limits.set(ch, (bucket = new Bucket(BEACON_BURST, BEACONS_PER_MS)))
    if (!bucket.take()) return // over the rate: dropped, not passed on
    const now = Date.now()
    if (frame.at > now + MAX_CLOCK_AHEAD_MS || frame.at < now - MAX_CLOCK_AHEAD_MS) return
    const key = this.writerKey(frame.signer)
    this.ownKey ??= b4a.toString(Hypercore.key(this.writer.publicKey), 'hex')
    if (key === this.ownKey) return
    if (!this.member(key)) return
    const prev = this.seen.get(key)
    // Already heard (from another neighbour, or older), or too soon after the last one:
    // not verified, not passed on again.
    if (prev && (prev.at >= frame.at || (!prev.gone && now - prev.heard < MIN_BEACON_GAP_MS)))
      return
    const signer = Buffer.from(frame.signer, 'hex')
    const sig = Buffer.from(frame.sig, 'hex')
    if (!crypto.verify(presenceMessage(this.roomKey, frame.at), sig, signer)) {
      this.bad(ch)
      return
    }
    if (!prev && this.seen.size >= MAX_WRITERS_PER_ROOM) return
    const wasOnline = this.online(key)
    this.seen.set(key, { at: frame.at, heard: now, frame, gone: false })
    const hops = Math.min(frame.hops, PRESENCE_HOPS) - 1
    if (hops > 0)
      for (const other of this.channels()) if (other !== ch) other.sendPresence({ ...frame, hops })
    if (!wasOnline) this.changed()
  }

  private writerKey(signer: string): string {
    let key = this.signers.get(signer)
    if (key === undefined) {
      key = b4a.toString(Hypercore.key(Buffer.from(signer, 'hex')), 'hex')
      if (this.signers.size >= MAX_SIGNERS_CACHED) this.signers.clear()
      this.signers.set(signer, key)
    }
    return key
  }

  private own(): PresenceFrame {
    const at = Date.now()
    const sig = crypto.sign(presenceMessage(this.roomKey, at), this.writer.secretKey)
    return {
      signer: b4a.toString(this.writer.publicKey, 'hex'),
      at,
      sig: b4a.toString(sig, 'hex'),
      hops: PRESENCE_HOPS,
    }
  }

  private beacon(): void {
    const channels = this.channels()
    if (!channels.length) return
    const frame = this.own()
    for (const ch of channels) ch.sendPresence(frame)
  }

  private expire(): void {
    const now = Date.now()
    let changed = false
    for (const s of this.seen.values())
      if (
        !s.gone &&
        now - s.heard >= PRESENCE_TTL_MS &&
        now - s.heard < PRESENCE_TTL_MS + PRESENCE_EVERY_MS
      )
        changed = true
    if (changed) this.changed()
  }

  close(): void {
    this.closed = true
    if (this.timer) clearInterval(this.timer) // clears a pending first timeout as well
    this.timer = null
  }
}

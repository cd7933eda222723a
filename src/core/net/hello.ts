import b4a from 'b4a'
import c from 'compact-encoding'
import Protomux from 'protomux'
import sodium from 'sodium-universal'
import { MAX_ROOMS } from '../../shared/limits'
import { Bucket } from '../bucket'
import { ROOM_TAG_BYTES, roomTag, safeEqual } from './crypto'

// The first thing said on every connection, before any room channel: each side sends the
// tags of its rooms for this connection, padded with random tags to MAX_ROOMS and shuffled,
// so the message always has the same size. A peer that holds a room key recognises that
// room's tag; to a peer that holds none of our keys the message is random bytes: no topic,
// no writer key, no name, not even how many rooms we are in. A room channel opens only
// for rooms whose tags both sides recognised.

export const HELLO_PROTOCOL = 'linkup/hello/1'
export const HELLO_BYTES = MAX_ROOMS * ROOM_TAG_BYTES
/**
 * Each hello costs the receiver a tag per room it holds: a peer may resend at most
 * HELLO_BURST at once and one per HELLO_GAP_MS after that; faster ones count as bad
 * frames (and get it dropped). We send at most one per HELLO_GAP_MS ourselves.
 */
const HELLO_BURST = 8
export const HELLO_GAP_MS = 1000

export interface HelloHandlers {
  /** The peer (re)sent its tags: rooms it proved may now open. */
  ontags(): void
  /** A hello of the wrong size: counted, and the peer is dropped. */
  onbad(): void
}

export class Hello {
  private readonly channel: any
  private readonly update: any
  private remote: Buffer[] = []
  private sentOnce = false
  private readonly received = new Bucket(HELLO_BURST, 1 / HELLO_GAP_MS)
  private lastSent = 0
  private resendTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly conn: any,
    private readonly roomKeys: () => Buffer[],
    private readonly handlers: HelloHandlers,
  ) {
    const mux = Protomux.from(conn)
    this.channel = mux.createChannel({
      protocol: HELLO_PROTOCOL,
      handshake: c.raw,
      onopen: (handshake: Buffer) => this.receive(handshake),
    })
    if (!this.channel) {
      this.update = null
      return
    }
    this.update = this.channel.addMessage({
      encoding: c.raw,
      onmessage: (buf: Buffer) => this.receive(buf),
    })
    this.channel.open(this.tags())
    this.sentOnce = true
    this.lastSent = Date.now()
  }

  /** Our rooms changed (joined or left one): tell the peer again, same size as always. */
  resend(): void {
    if (!this.sentOnce || this.resendTimer) return
    // Joining several rooms at once sends one hello for all of them.
    const wait = Math.max(0, this.lastSent + HELLO_GAP_MS - Date.now())
    this.resendTimer = setTimeout(() => {
      this.resendTimer = null
      if (!this.channel?.opened) return
      this.lastSent = Date.now()
      this.update.send(this.tags())
    }, wait)
    this.resendTimer.unref?.()
  }

  /** Whether the peer showed, on this connection, that it holds this room key. */
  proved(roomKey: Buffer): boolean {
    if (!this.remote.length) return false
    const expected = roomTag(roomKey, this.conn.handshakeHash, !this.conn.isInitiator)
    return this.remote.some((tag) => safeEqual(tag, expected))
  }

  private tags(): Buffer {
    const out = Buffer.alloc(HELLO_BYTES)
    sodium.randombytes_buf(out)
    const keys = this.roomKeys().slice(0, MAX_ROOMS)
    // Our tags go to random slots; the rest stay random bytes.
    const slots = shuffle(Array.from({ length: MAX_ROOMS }, (_, i) => i))
    keys.forEach((key, n) => {
      roomTag(key, this.conn.handshakeHash, this.conn.isInitiator).copy(
        out,
        slots[n] * ROOM_TAG_BYTES,
      )
    })
    return out
  }

  private receive(buf: Buffer): void {
    if (!this.received.take() || !buf || buf.byteLength !== HELLO_BYTES) {
      this.handlers.onbad()
      return
    }
    const tags: Buffer[] = []
    for (let at = 0; at < HELLO_BYTES; at += ROOM_TAG_BYTES)
      tags.push(b4a.from(buf.subarray(at, at + ROOM_TAG_BYTES)) as Buffer)
    this.remote = tags
    this.handlers.ontags()
  }

  close(): void {
    if (this.resendTimer) clearTimeout(this.resendTimer)
    this.resendTimer = null
    if (this.channel && !this.channel.closed) this.channel.close()
  }
}

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = sodium.randombytes_uniform(i + 1)
    ;[list[i], list[j]] = [list[j], list[i]]
  }
  return list
}

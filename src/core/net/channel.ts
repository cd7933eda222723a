import b4a from 'b4a'
import c from 'compact-encoding'
import Protomux from 'protomux'
import { z } from 'zod'
import { MAX_CHANNEL_FRAME_BYTES, MAX_WRITERS_PER_ROOM } from '../../shared/limits'
import { cleanName } from '../../shared/names'
import { roomProof, safeEqual } from './crypto'

// One protomux channel per room per connection. Both sides open it with a proof that
// they hold the room key (a MAC over this connection's Noise handshake hash); a side
// whose proof is wrong has the whole connection destroyed before anything else is said.
// After that the channel carries writer-key gossip, peer exchange and pings. Every
// frame is size-checked and schema-validated; a bad one is dropped and counted.

export const PROTOCOL = 'linkup/room/1'
const hexKey = z.string().regex(/^[0-9a-f]{64}$/)

const HelloSchema = z.object({
  proof: hexKey,
  writer: hexKey,
  name: z.string().max(256).default(''),
})
const WritersSchema = z.object({ writers: z.array(hexKey).max(MAX_WRITERS_PER_ROOM) })
const PeersSchema = z.object({ peers: z.array(hexKey).max(256) })
const PingSchema = z.object({ n: z.number().int().nonnegative(), pong: z.boolean() })
/** Ephemeral: never stored (src/core/rooms/typing.ts). */
const TypingSchema = z.object({ typing: z.boolean() })

export interface ChannelHandlers {
  /** Both sides proved the room key. `writer` is the peer's writer key in this room. */
  onopen(channel: RoomChannel): void
  /** The channel closed: `wasOpen` is false when the peer refused it (not in the room yet). */
  onclose(channel: RoomChannel, wasOpen: boolean): void
  onwriters(channel: RoomChannel, writers: string[]): void
  onpeers(channel: RoomChannel, peers: string[]): void
  /** The peer started (or stopped) typing. */
  ontyping?(channel: RoomChannel, typing: boolean): void
  /** A frame that failed validation: counted by the node, the connection stays. */
  ondropped(reason: string): void
}

export class RoomChannel {
  readonly conn: any
  /** The peer's Noise public key (its swarm identity), hex. */
  readonly remoteKey: string
  /** The peer's writer key in this room, known once opened. */
  writer = ''
  /** The name the peer gave when it opened; its signed entries' name wins once read. */
  name = ''
  opened = false
  closed = false
  private readonly channel: any
  private readonly messages: any[]
  private readonly pings = new Map<number, (ms: number) => void>()
  private pingSeq = 0

  constructor(
    conn: any,
    private readonly roomKey: Buffer,
    topic: Buffer,
    ownWriter: string,
    ownName: string,
    private readonly handlers: ChannelHandlers,
  ) {
    this.conn = conn
    this.remoteKey = b4a.toString(conn.remotePublicKey, 'hex')
    const mux = Protomux.from(conn)
    this.channel = mux.createChannel({
      protocol: PROTOCOL,
      id: topic,
      handshake: c.raw,
      onopen: (handshake: Buffer) => this.onopen(handshake),
      onclose: () => {
        for (const done of this.pings.values()) done(-1)
        this.pings.clear()
        const wasOpen = this.opened
        this.opened = false
        this.closed = true
        this.handlers.onclose(this, wasOpen)
      },
    })
    if (!this.channel) {
      this.messages = []
      return
    }
    const frame = (schema: z.ZodTypeAny, handle: (value: any) => void) => ({
      encoding: c.raw,
      onmessage: (buf: Buffer) => {
        const value = decodeFrame(buf, schema)
        if (value === null) this.handlers.ondropped('malformed frame')
        else if (this.opened) handle(value)
      },
    })
    this.messages = [
      this.channel.addMessage(
        frame(WritersSchema, (m) => this.handlers.onwriters(this, m.writers)),
      ),
      this.channel.addMessage(frame(PeersSchema, (m) => this.handlers.onpeers(this, m.peers))),
      this.channel.addMessage(frame(PingSchema, (m) => this.onping(m))),
      this.channel.addMessage(frame(TypingSchema, (m) => this.handlers.ontyping?.(this, m.typing))),
    ]
    const proof = roomProof(roomKey, conn.handshakeHash, conn.isInitiator)
    this.channel.open(
      encodeFrame({ proof: b4a.toString(proof, 'hex'), writer: ownWriter, name: ownName }),
    )
  }

  /** False when protomux refused the channel (a duplicate for this room on this connection). */
  get valid(): boolean {
    return this.channel !== null
  }

  private onopen(handshake: Buffer): void {
    const hello = decodeFrame(handshake, HelloSchema)
    const expected = roomProof(this.roomKey, this.conn.handshakeHash, !this.conn.isInitiator)
    if (!hello || !safeEqual(Buffer.from(hello.proof, 'hex'), expected)) {
      // Whoever cannot prove the room key learns nothing more from us, on any room.
      this.handlers.ondropped('failed room proof')
      this.conn.destroy(new Error('Peer failed the room key proof'))
      return
    }
    this.writer = hello.writer
    const name = cleanName(hello.name)
    this.name = 'name' in name ? name.name : ''
    this.opened = true
    this.handlers.onopen(this)
  }

  sendWriters(writers: string[]): void {
    if (this.opened) this.messages[0].send(encodeFrame({ writers }))
  }

  sendPeers(peers: string[]): void {
    if (this.opened && peers.length)
      this.messages[1].send(encodeFrame({ peers: peers.slice(0, 256) }))
  }

  sendTyping(typing: boolean): void {
    if (this.opened) this.messages[3].send(encodeFrame({ typing }))
  }

  /** Round trip over this channel in ms, or -1 if the channel closed first. */
  ping(timeoutMs = 5000): Promise<number> {
    if (!this.opened) return Promise.resolve(-1)
    const n = this.pingSeq++
    const start = performance.now()
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(-1), timeoutMs)
      const finish = (ms: number) => {
        clearTimeout(timer)
        this.pings.delete(n)
        resolve(ms)
      }
      this.pings.set(n, (ms) => finish(ms < 0 ? ms : performance.now() - start))
      this.messages[2].send(encodeFrame({ n, pong: false }))
    })
  }

  private onping(m: { n: number; pong: boolean }): void {
    if (!m.pong) this.messages[2].send(encodeFrame({ n: m.n, pong: true }))
    else this.pings.get(m.n)?.(0)
  }

  close(): void {
    if (this.channel && !this.channel.closed) this.channel.close()
  }

  /**
   * Calls `onremoteopen` whenever the peer opens this room's channel on the connection.
   * Protomux refuses an open for a room we have not joined, which closes the peer's side;
   * so the side that joins later opens again, and this lets the other side answer it.
   */
  static pair(conn: any, topic: Buffer, onremoteopen: () => void): () => void {
    const mux = Protomux.from(conn)
    mux.pair({ protocol: PROTOCOL, id: topic }, onremoteopen)
    return () => mux.unpair({ protocol: PROTOCOL, id: topic })
  }
}

function encodeFrame(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}

function decodeFrame<T>(buf: Buffer, schema: z.ZodType<T>): T | null {
  if (!buf || buf.byteLength > MAX_CHANNEL_FRAME_BYTES) return null
  try {
    const parsed = schema.safeParse(JSON.parse(b4a.toString(buf)))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

import b4a from 'b4a'
import c from 'compact-encoding'
import Hypercore from 'hypercore'
import crypto from 'hypercore-crypto'
import Protomux from 'protomux'
import { z } from 'zod'
import { MAX_CHANNEL_FRAME_BYTES, MAX_WRITERS_PER_ROOM } from '../../shared/limits'
import { peerName } from '../../shared/names'
import type { KeyPair } from '../identity'
import { decodePushFrame, type ReceivedPush } from './block-push'
import { roomChannelId, writerProofMessage } from './crypto'

// One protomux channel per room per connection, opened only once both sides recognised
// each other's room tag in the hello (hello.ts). Its id is a MAC of this connection's
// handshake hash under the room key, so only key holders can name it. Opening it, each
// side shows its writer key for the room and signs this connection's handshake with it:
// a peer is a member only for the writer key whose secret it holds. A bad signature
// destroys the connection. After that the channel carries writer-key gossip, what each
// side holds of each writer (haves, net/core-links.ts), pushed blocks with their proofs
// (block-push.ts, binary), peer exchange and pings. Every frame is size-checked and
// schema-validated.

export const PROTOCOL = 'linkup/room/2'
const hexKey = z.string().regex(/^[0-9a-f]{64}$/)

export const HelloSchema = z.object({
  /** The Ed25519 public key of the peer's writer core; the core's key is derived from it. */
  signer: hexKey,
  sig: z.string().regex(/^[0-9a-f]{128}$/),
  name: z.string().max(256).default(''),
  /** The room's mesh is full on the sender's side: it passes on its neighbours and closes. */
  full: z.boolean().default(false),
})
export const WritersSchema = z.object({ writers: z.array(hexKey).max(MAX_WRITERS_PER_ROOM) })
export const PeersSchema = z.object({ peers: z.array(hexKey).max(256) })
export const PingSchema = z.object({ n: z.number().int().nonnegative(), pong: z.boolean() })
/** Ephemeral: never stored (src/core/rooms/typing.ts). */
export const TypingSchema = z.object({ typing: z.boolean() })
/** Ephemeral: a member's signed "online" beacon, passed on hop by hop (src/core/rooms/presence.ts). */
export const PresenceSchema = z.object({
  signer: hexKey,
  at: z.number().int().nonnegative(),
  sig: z.string().regex(/^[0-9a-f]{128}$/),
  hops: z.number().int().min(0).max(16),
})
export type PresenceFrame = z.infer<typeof PresenceSchema>
export const MAX_HAVES_PER_FRAME = 256
const blockCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
/** Per writer: the length the sender knows its core has, and how many blocks it holds (src/core/net/core-links.ts). */
export const HavesSchema = z.object({
  haves: z
    .array(
      z
        .tuple([hexKey, blockCount, blockCount])
        .refine(([, length, held]) => held <= length, 'holds more blocks than the core has'),
    )
    .min(1)
    .max(MAX_HAVES_PER_FRAME),
})

export interface ChannelHandlers {
  /** Both sides proved the room key. `writer` is the peer's writer key in this room. */
  onopen(channel: RoomChannel): void
  /** The channel closed: `wasOpen` is false when the peer refused it (not in the room yet). */
  onclose(channel: RoomChannel, wasOpen: boolean): void
  onwriters(channel: RoomChannel, writers: string[]): void
  onpeers(channel: RoomChannel, peers: string[]): void
  /** The peer started (or stopped) typing. */
  ontyping?(channel: RoomChannel, typing: boolean): void
  /** A member's presence beacon, from the peer or passed on by it. */
  onpresence?(channel: RoomChannel, frame: PresenceFrame): void
  /** What the peer holds of some writers: [writer key, blocks from the start]. */
  onhaves?(channel: RoomChannel, haves: Array<[string, number, number]>): void
  /** A writer's block with its proof (decoded and bounds-checked, not verified yet). */
  onblock?(channel: RoomChannel, frame: ReceivedPush): void
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
  /** Our mesh was full when this channel was made: it only passes on neighbours, then closes. */
  readonly refusing: boolean
  /** The peer's mesh was full: same, from its side. */
  remoteFull = false
  private readonly channel: any
  private readonly messages: any[]
  private readonly pings = new Map<number, (ms: number) => void>()
  private pingSeq = 0

  readonly id: Buffer

  constructor(
    conn: any,
    roomKey: Buffer,
    writer: KeyPair,
    ownName: string,
    private readonly handlers: ChannelHandlers,
    full = false,
  ) {
    this.refusing = full
    this.conn = conn
    this.remoteKey = b4a.toString(conn.remotePublicKey, 'hex')
    this.id = roomChannelId(roomKey, conn.handshakeHash)
    const mux = Protomux.from(conn)
    this.channel = mux.createChannel({
      protocol: PROTOCOL,
      id: this.id,
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
    // A refused channel (either mesh full) carries only the peer list; the rest is ignored.
    const frame = (schema: z.ZodTypeAny, handle: (value: any) => void, whenRefused = false) => ({
      encoding: c.raw,
      onmessage: (buf: Buffer) => {
        const value = decodeFrame(buf, schema)
        if (value === null) this.handlers.ondropped('malformed frame')
        else if (this.linked || (whenRefused && this.opened)) handle(value)
      },
    })
    this.messages = [
      this.channel.addMessage(
        frame(WritersSchema, (m) => this.handlers.onwriters(this, m.writers)),
      ),
      this.channel.addMessage(
        frame(PeersSchema, (m) => this.handlers.onpeers(this, m.peers), true),
      ),
      this.channel.addMessage(frame(PingSchema, (m) => this.onping(m))),
      this.channel.addMessage(frame(TypingSchema, (m) => this.handlers.ontyping?.(this, m.typing))),
      this.channel.addMessage(frame(PresenceSchema, (m) => this.handlers.onpresence?.(this, m))),
      this.channel.addMessage(frame(HavesSchema, (m) => this.handlers.onhaves?.(this, m.haves))),
      this.channel.addMessage({
        encoding: c.raw,
        onmessage: (buf: Buffer) => {
          const value = decodePushFrame(buf)
          if (value === null) this.handlers.ondropped('malformed frame')
          else if (this.linked) this.handlers.onblock?.(this, value)
        },
      }),
    ]
    const sig = crypto.sign(
      writerProofMessage(this.id, conn.handshakeHash, conn.isInitiator),
      writer.secretKey,
    )
    this.channel.open(
      encodeFrame({
        signer: b4a.toString(writer.publicKey, 'hex'),
        sig: b4a.toString(sig, 'hex'),
        name: ownName,
        full,
      }),
    )
  }

  /** Open, and neither side refused: a link of the room's mesh. */
  get linked(): boolean {
    return this.opened && !this.refusing && !this.remoteFull
  }

  /** False when protomux refused the channel (a duplicate for this room on this connection). */
  get valid(): boolean {
    return this.channel !== null
  }

  private onopen(handshake: Buffer): void {
    const hello = decodeFrame(handshake, HelloSchema)
    const signed =
      hello &&
      crypto.verify(
        writerProofMessage(this.id, this.conn.handshakeHash, !this.conn.isInitiator),
        Buffer.from(hello.sig, 'hex'),
        Buffer.from(hello.signer, 'hex'),
      )
    if (!hello || !signed) {
      // A peer that claims a writer key it cannot sign with is not a member of anything.
      this.handlers.ondropped('failed writer proof')
      this.conn.destroy(new Error('Peer failed the writer key proof'))
      return
    }
    this.writer = b4a.toString(Hypercore.key(Buffer.from(hello.signer, 'hex')), 'hex')
    this.name = peerName(hello.name)
    this.remoteFull = hello.full
    this.opened = true
    this.handlers.onopen(this)
  }

  sendWriters(writers: string[]): void {
    if (this.linked) this.messages[0].send(encodeFrame({ writers }))
  }

  sendPeers(peers: string[]): void {
    if (this.opened && peers.length)
      this.messages[1].send(encodeFrame({ peers: peers.slice(0, 256) }))
  }

  sendTyping(typing: boolean): void {
    if (this.linked) this.messages[3].send(encodeFrame({ typing }))
  }

  sendPresence(frame: PresenceFrame): void {
    if (this.linked) this.messages[4].send(encodeFrame(frame))
  }

  sendHaves(haves: Array<[string, number, number]>): void {
    if (this.linked && haves.length) this.messages[5].send(encodeFrame({ haves }))
  }

  sendBlock(frame: Buffer): void {
    if (this.linked) this.messages[6].send(frame)
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
   * Calls `onremoteopen` whenever the peer opens this room's channel on the connection
   * before we did (it saw our tag first): we answer by opening ours.
   */
  static pair(conn: any, roomKey: Buffer, onremoteopen: () => void): () => void {
    const mux = Protomux.from(conn)
    const id = roomChannelId(roomKey, conn.handshakeHash)
    mux.pair({ protocol: PROTOCOL, id }, onremoteopen)
    return () => mux.unpair({ protocol: PROTOCOL, id })
  }
}

function encodeFrame(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}

/** Exported for the fuzzer (tests/fuzz): null for anything that is not a valid frame. */
export function decodeFrame<T>(buf: Buffer, schema: z.ZodType<T>): T | null {
  if (!buf || buf.byteLength > MAX_CHANNEL_FRAME_BYTES) return null
  try {
    const parsed = schema.safeParse(JSON.parse(b4a.toString(buf)))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

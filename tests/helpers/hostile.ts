import path from 'node:path'
import b4a from 'b4a'
import c from 'compact-encoding'
import Corestore from 'corestore'
import crypto from 'hypercore-crypto'
import DHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import Protomux from 'protomux'
import sodium from 'sodium-universal'
import { roomChannelId, roomTag, roomTopic, writerProofMessage } from '../../src/core/net/crypto'
import { HELLO_BYTES, HELLO_PROTOCOL } from '../../src/core/net/hello'
import { PROTOCOL as ROOM_PROTOCOL } from '../../src/core/net/channel'
import { ROOM_TAG_BYTES } from '../../src/core/net/crypto'
import { tempDir } from './net'

// A hostile peer written with raw hyperswarm, protomux and corestore, speaking LinkUp's
// wire protocol by hand: it can hold a room key or not, claim any writer key, ask for any
// core by key or by discovery key, and it records every byte it receives.

export interface HostileOptions {
  bootstrap: Array<{ host: string; port: number }>
  /** The room it looks up on the DHT (its topic is public to DHT nodes anyway). */
  topicOf: Buffer
  /** Room keys it holds; none for an outsider. */
  roomKeys?: Buffer[]
  /** Its writer key pair; it signs the room channel with this one. */
  writer?: { publicKey: Buffer; secretKey: Buffer }
  /** The public key it claims as its writer (defaults to its own). */
  claim?: Buffer
  /** Says in its room channel's hello that its mesh is full (it then passes on peers). */
  full?: boolean
}

export class HostilePeer {
  readonly received: Buffer[] = []
  readonly store: any
  conn: any = null
  closed = false
  /** Per room channel: its messages in LinkUp's order (writers, peers, ping, typing, presence). */
  readonly roomMessages: any[][] = []
  private readonly swarm: any
  private readonly connected: Promise<any>

  private constructor(
    private readonly opts: HostileOptions,
    storage: string,
  ) {
    this.store = new Corestore(storage)
    this.swarm = new Hyperswarm({ dht: new DHT({ bootstrap: opts.bootstrap, host: '127.0.0.1' }) })
    this.connected = new Promise((resolve) =>
      this.swarm.on('connection', (conn: any) => {
        if (this.conn) return conn.destroy()
        this.conn = conn
        conn.on('error', () => {})
        conn.on('close', () => (this.closed = true))
        conn.on('data', (d: Buffer) => this.received.push(Buffer.from(d)))
        this.speak(conn)
        resolve(conn)
      }),
    )
  }

  static async start(opts: HostileOptions): Promise<HostilePeer> {
    const peer = new HostilePeer(opts, path.join(await tempDir('linkup-hostile-'), 'cores'))
    peer.swarm.join(roomTopic(opts.topicOf), { server: false, client: true })
    return peer
  }

  waitConnected(): Promise<any> {
    return this.connected
  }

  get mux(): any {
    return Protomux.from(this.conn)
  }

  /** Says hello with the tags of the rooms it holds, then opens each room's channel. */
  private speak(conn: any): void {
    const mux = Protomux.from(conn)
    const hello = Buffer.alloc(HELLO_BYTES)
    sodium.randombytes_buf(hello)
    const keys = this.opts.roomKeys ?? []
    keys.forEach((key, n) =>
      roomTag(key, conn.handshakeHash, conn.isInitiator).copy(hello, n * ROOM_TAG_BYTES),
    )
    mux.createChannel({ protocol: HELLO_PROTOCOL, handshake: c.raw }).open(hello)
    const writer = this.opts.writer ?? crypto.keyPair()
    for (const key of keys) {
      const id = roomChannelId(key, conn.handshakeHash)
      const sig = crypto.sign(
        writerProofMessage(id, conn.handshakeHash, conn.isInitiator),
        writer.secretKey,
      )
      const channel = mux.createChannel({ protocol: ROOM_PROTOCOL, id, handshake: c.raw })
      if (!channel) continue
      this.roomMessages.push(
        Array.from({ length: 5 }, () => channel.addMessage({ encoding: c.raw, onmessage() {} })),
      )
      channel.open(
        Buffer.from(
          JSON.stringify({
            signer: b4a.toString(this.opts.claim ?? writer.publicKey, 'hex'),
            sig: b4a.toString(sig, 'hex'),
            name: 'Mallory',
            full: !!this.opts.full,
          }),
        ),
      )
    }
  }

  /** Sends a JSON frame as room-channel message `index` of the first room it holds. */
  sendRoom(index: number, value: unknown): void {
    this.roomMessages[0]?.[index]?.send(Buffer.from(JSON.stringify(value)))
  }

  /** Everything received so far, as one buffer. */
  bytes(): Buffer {
    return Buffer.concat(this.received)
  }

  /** Whether any of `needles` (bytes, or their hex) appears in what it received. */
  saw(needle: Buffer | string): boolean {
    const all = this.bytes()
    const buf = typeof needle === 'string' ? Buffer.from(needle) : needle
    return all.includes(buf) || all.includes(Buffer.from(b4a.toString(buf, 'hex')))
  }

  /**
   * Asks the peer for a core by its key, as hypercore replication does (with the key's
   * capability): resolves to the number of blocks that arrived within `ms`.
   */
  async requestByKey(key: Buffer, ms: number): Promise<number> {
    const core = this.store.get({ key })
    await core.ready()
    let blocks = 0
    core.on('download', () => blocks++)
    core.replicate(this.mux)
    core.download({ start: 0, end: -1 })
    await new Promise((r) => setTimeout(r, ms))
    await core.close()
    return blocks
  }

  /**
   * Opens a replication channel for a discovery key, as corestore does to find out
   * whether a peer has a core: resolves to 'opened' if the peer answered with a channel,
   * 'rejected' if it refused, 'silent' if nothing came back within `ms`.
   */
  probeDiscoveryKey(discoveryKey: Buffer, ms: number): Promise<'opened' | 'rejected' | 'silent'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('silent'), ms)
      const channel = this.mux.createChannel({
        protocol: 'hypercore/alpha',
        id: discoveryKey,
        onopen: () => {
          clearTimeout(timer)
          resolve('opened')
        },
        onclose: () => {
          clearTimeout(timer)
          resolve('rejected')
        },
      })
      if (!channel) return resolve('rejected')
      channel.open({})
    })
  }

  async destroy(): Promise<void> {
    await this.swarm.destroy()
    await this.store.close()
  }
}

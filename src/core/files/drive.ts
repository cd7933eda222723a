import { once } from 'node:events'
import b4a from 'b4a'
import Hyperdrive from 'hyperdrive'
import { MemtableFlusher } from './memtable'

// The drives of one room: the member's own drive for that room, and the drives of other
// members opened by key from that room's entries. File bytes live in a drive's blob core;
// a room entry carries only drive key, path and hash. Every core of these drives is handed
// to the room (DriveScope.replicate), which replicates it only on that room's channels, so
// a file shared in one room never travels on another's. A drive key that belongs to
// another room of ours is refused like a key that is not a drive.
// One more Drives has no scope: the member's private home drive (the one drive of older
// versions), never replicated, which keeps the avatar's source bytes and old files.

/** Block size for files we write: fewer, larger blocks mean fewer requests and proofs. */
export const FILE_BLOCK_BYTES = 1024 * 1024
/** Blocks a receiver keeps requested from one peer at once (hypercore's default is 16). */
const BLOB_INFLIGHT: [number, number] = [16, 64]
const HOME_NAMESPACE = 'linkup-drive'

/** Where the drives of one room live and how their cores reach that room's peers. */
export interface DriveScope {
  /** Corestore namespace of the member's own drive for the room (derived from seed and room key). */
  namespace: string
  /**
   * Replicates a core on the room's channels; false if it is a core of another room.
   * `eager: false`: only answered where a neighbour asks for it (net/core-links.ts).
   */
  replicate(core: any, eager?: boolean): boolean
  /** Whether a key is a core of another of our rooms. */
  foreign(key: string): boolean
  /** A member's drive opened here: reopened on every start, so what we hold we serve. */
  remember(key: string): void
}

/** Where a file's bytes sit in a drive's blob core (Hyperblobs id). */
export interface BlobId {
  blockOffset: number
  blockLength: number
  byteOffset: number
  byteLength: number
}

/** An entry named, as its drive, a core that is not one (or one this node writes). */
export class NotADriveError extends Error {
  constructor() {
    super('That file does not point at a drive.')
  }
}

/** An entry named, as its drive, a core that belongs to another of our rooms. */
export class ForeignDriveError extends NotADriveError {
  constructor() {
    super()
    this.message = 'That file belongs to another room.'
  }
}

export class Drives {
  /** The member's own drive. */
  own: any = null
  private readonly remote = new Map<string, Promise<any>>()
  private closed = false

  constructor(
    private readonly store: any,
    private readonly scope: DriveScope | null = null,
  ) {}

  async ready(): Promise<void> {
    // A namespaced session: closing the drive closes this session, not the node's store.
    this.own = new Hyperdrive(this.store.namespace(this.scope?.namespace ?? HOME_NAMESPACE))
    await this.own.ready()
    const blobs = await this.own.getBlobs()
    // Our own drive is served to whoever opens it (a member who read one of our file
    // entries), not pushed on every link: attaching its two cores on each link cost every
    // link four replication sessions, refused by neighbours who never opened the drive.
    this.scope?.replicate(this.own.core, false)
    this.scope?.replicate(blobs.core, false)
  }

  get key(): string {
    return b4a.toString(this.own.key, 'hex')
  }

  /**
   * Reopens drives of other members that this room used before, so blocks of them held
   * here are served to the room again (any member's copy serves any member). In the
   * background: a drive that fails to open stays closed until an entry asks for it.
   */
  reopen(keys: string[]): void {
    for (const key of keys)
      this.open(key)
        .then((drive) => drive.getBlobs())
        .catch(() => {})
  }

  /** The drive with this key: our own, or a remote one opened once and kept open. */
  async open(key: string): Promise<any> {
    if (key === this.key) return this.own
    if (this.closed) throw new Error('LinkUp is closing.')
    let drive = this.remote.get(key)
    if (!drive) {
      drive = this.openRemote(key)
      this.remote.set(key, drive)
      drive.catch(() => this.remote.delete(key))
    }
    return drive
  }

  private async openRemote(key: string): Promise<any> {
    if (!this.scope) throw new NotADriveError()
    if (this.scope.foreign(key)) throw new ForeignDriveError()
    const keyBuf = b4a.from(key, 'hex')
    // An entry can name any key as "its drive". One this node can write to (a room writer
    // core of ours) must never be opened as a drive: Hyperdrive would treat it as its own.
    const probe = this.store.get({ key: keyBuf, active: false })
    await probe.ready()
    const ours = probe.writable
    await probe.close()
    if (ours) throw new NotADriveError()
    const drive = new Hyperdrive(this.store.session(), keyBuf)
    let foreign = false
    drive.on('blobs', (blobs: any) => {
      tuneBlobs(blobs.core)
      if (!this.scope!.replicate(blobs.core)) foreign = true
    })
    try {
      await drive.ready()
      if (!this.scope.replicate(drive.core)) foreign = true
      if (foreign) throw new ForeignDriveError()
      this.scope.remember(key)
    } catch (err: any) {
      await drive.close().catch(() => {})
      throw err?.code === 'DECODING_ERROR' ? new NotADriveError() : err
    }
    return drive
  }

  /** Streams chunks into the own drive's blob core, then names the blob `drivePath`. */
  async write(drivePath: string, chunks: AsyncIterable<Buffer>): Promise<BlobId> {
    const blobs = await this.own.getBlobs()
    const ws = blobs.createWriteStream()
    const flusher = new MemtableFlusher(this.store)
    let opened = false
    ws.once('open', () => (opened = true))
    try {
      for await (const chunk of chunks) {
        if (!ws.write(chunk)) await once(ws, 'drain')
        flusher.wrote(chunk.length)
      }
      const closed = once(ws, 'close')
      ws.end()
      await closed
      await flusher.settled()
    } catch (err) {
      // Free the blocks written so far; the lock is still ours until destroy, so the
      // range from our offset to the core's end is exactly what this stream wrote.
      const start = ws.id.blockOffset
      const end = blobs.core.length
      ws.destroy()
      if (opened && end > start) await blobs.core.clear(start, end).catch(() => {})
      throw err
    }
    const id: BlobId = { ...ws.id }
    await this.own.putEntry(drivePath, { blob: id })
    return id
  }

  /** Removes a path from the own drive and frees its blocks. */
  async remove(drivePath: string): Promise<void> {
    const node = await this.own.entry(drivePath, { wait: false }).catch(() => null)
    if (!node) return
    await this.own.del(drivePath)
    const blob: BlobId | null = node.value?.blob ?? null
    if (blob && blob.blockLength > 0) {
      const blobs = await this.own.getBlobs()
      await blobs.core.clear(blob.blockOffset, blob.blockOffset + blob.blockLength)
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const remote = await Promise.allSettled(this.remote.values())
    this.remote.clear()
    const drives = remote.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    await Promise.all([...drives, this.own].filter(Boolean).map((d) => d.close().catch(() => {})))
  }
}

/** Copies one blob between two of our own drives; null if the source path is gone. */
export async function copyBlob(from: Drives, to: Drives, drivePath: string) {
  const node = await from.own.entry(drivePath, { wait: false }).catch(() => null)
  const blob = node?.value?.blob
  if (!blob) return null
  const source = await from.own.getBlobs()
  return to.write(
    drivePath,
    (async function* () {
      for (let i = blob.blockOffset; i < blob.blockOffset + blob.blockLength; i++) {
        const block = await source.core.get(i, { wait: false })
        if (!block) throw new Error('Part of the file is no longer stored here.')
        yield block
      }
    })(),
  )
}

/** A deeper request pipeline on blob cores: whole files stream instead of stop-and-wait. */
function tuneBlobs(core: any): void {
  core.core?.replicator?.setInflightRange?.(...BLOB_INFLIGHT)
}

import type { BlobId } from './drive'
import { FileHasher } from './hash'
import { MemtableFlusher } from './memtable'

// One download of one file from a member's drive: find the blob the entry names, ask
// for its whole block range up front (hypercore then pipelines requests to every peer
// that has blocks, instead of one block per read), hash the blocks in order as they
// land, and compare with the entry. Blocks already stored are not fetched again, so a
// download that was cut off resumes where it stopped. Nothing here trusts the sender:
// the size is checked before the first byte and while bytes arrive, the hash at the end.

const PROGRESS_EVERY_MS = 100
const RATE_WINDOW_MS = 1000
/** Blocks asked for, in order, ahead of the one being hashed. */
const READS_AHEAD = 16
/** onBlock calls (disk writes) in flight while hashing goes on. */
const WRITES_AHEAD = 4

export interface TransferProgress {
  done: number
  total: number
  /** Bytes per second over the last second. */
  rate: number
}

export interface TransferRequest {
  drive: any
  path: string
  size: number
  hash: string
  /** No byte and no step forward for this long: give up (the blocks stay). */
  stallMs: number
  onProgress(p: TransferProgress): void
  /**
   * Gets every block in order as it is hashed, with its byte offset in the file (a file
   * being saved while it downloads). Up to WRITES_AHEAD calls run at once.
   */
  onBlock?: (block: Buffer, offset: number) => Promise<void>
}

export type TransferResult =
  { ok: true; blob: BlobId; fetched: number } | { ok: false; broken: string; fetched: number }

/** Thrown for a transfer that did not finish; the file is not broken, just not here yet. */
export class TransferError extends Error {}

class Oversized extends Error {
  constructor() {
    super('it holds more bytes than its entry says')
  }
}

export class Transfer {
  readonly result: Promise<TransferResult>
  /** Bytes this transfer fetched from peers (not those already stored). */
  fetched = 0
  private done = 0
  private lastActivity = Date.now()
  private aborted: Error | null = null
  private readonly waiting = new Set<(err: Error) => void>()
  private readonly cleanups: Array<() => void> = []
  private readonly samples: Array<[number, number]> = []
  private lastEmit = 0
  private finished = false

  constructor(private readonly req: TransferRequest) {
    const watchdog = setInterval(
      () => {
        if (Date.now() - this.lastActivity > req.stallMs)
          this.abort(
            new TransferError(
              'The download stalled: no member who has this file is reachable. ' +
                'It resumes where it stopped when you try again.',
            ),
          )
      },
      Math.min(1000, Math.max(50, req.stallMs / 4)),
    )
    this.cleanups.push(() => clearInterval(watchdog))
    this.result = this.run()
      .catch((err): TransferResult => {
        if (err instanceof Oversized)
          return { ok: false, broken: err.message, fetched: this.fetched }
        throw err
      })
      .finally(() => this.cleanup())
  }

  abort(err: Error): void {
    if (!this.aborted) this.aborted = err
    for (const reject of this.waiting) reject(err)
    this.waiting.clear()
    this.cleanup()
  }

  private cleanup(): void {
    this.finished = true
    for (const fn of this.cleanups.splice(0)) fn()
  }

  /**
   * Waits for p unless the transfer is aborted first. Not Promise.race against one
   * long-lived promise: every race would leave a reaction on it holding its result,
   * and here the results are the file's blocks.
   */
  private step<T>(p: Promise<T>): Promise<T> {
    if (this.aborted) return Promise.reject(this.aborted)
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject)
      p.then(
        (value) => {
          this.waiting.delete(reject)
          this.lastActivity = Date.now()
          resolve(value)
        },
        (err) => {
          this.waiting.delete(reject)
          reject(err)
        },
      )
    })
  }

  private async run(): Promise<TransferResult> {
    const { drive, size } = this.req
    let blob: BlobId | null
    try {
      blob = await this.step(findBlob(drive, this.req.path, this.req.stallMs))
    } catch (err: any) {
      // A core that is not a Hyperdrive fails to decode: the entry points at no drive.
      if (err?.code === 'DECODING_ERROR')
        return { ok: false, broken: 'it does not point at a drive', fetched: 0 }
      throw err
    }
    if (!blob) throw new TransferError('The file is no longer in its sender’s drive.')
    const bad = checkBlob(blob, size)
    if (bad) return { ok: false, broken: bad, fetched: 0 }

    let blobs: any
    try {
      blobs = await this.step(drive.getBlobs())
    } catch (err: any) {
      if (err?.code === 'DECODING_ERROR')
        return { ok: false, broken: 'it does not point at a drive', fetched: 0 }
      throw err
    }
    const start = blob.blockOffset
    const end = start + blob.blockLength
    const session = blobs.core.session()
    this.cleanups.push(() => void session.close().catch(() => {}))
    await this.step(session.ready())

    const slack = 2 * Math.ceil(size / Math.max(1, blob.blockLength))
    const flusher = new MemtableFlusher(drive.corestore)
    const ondownload = (index: number, bytes: number) => {
      if (index < start || index >= end) return
      this.lastActivity = Date.now()
      this.fetched += bytes
      flusher.wrote(bytes)
      this.done = Math.min(size, this.done + bytes)
      // A sender serving more than the entry says is cut off at once, not at the end
      // (with two blocks of slack: a block fetched twice in a race is no attack).
      if (this.fetched > size + slack) this.abort(new Oversized())
      this.progress(false)
    }
    // Listen before looking at what is here: a block landing during the scan below is
    // then counted as fetched rather than falling between the two.
    blobs.core.on('download', ondownload)
    this.cleanups.push(() => blobs.core.off('download', ondownload))

    let have = 0
    for (let i = start; i < end; i++) if (await this.step(session.has(i))) have++
    const held = blob.blockLength ? Math.round((size * have) / blob.blockLength) : size
    this.done = Math.min(size, Math.max(this.done, held))
    this.progress(true)

    if (have < blob.blockLength) {
      const range = session.download({ start, end })
      this.cleanups.push(() => range.destroy())
    }

    // Hash in order. Waiting reads for the next blocks get each block straight off the
    // wire as it is verified (or from storage when it is already here), so nothing is
    // read back from disk; they join the range's requests rather than adding their own.
    const hasher = new FileHasher()
    const get = (index: number): Promise<Buffer | null> => {
      const p: Promise<Buffer | null> = session.get(index)
      p.catch(() => {}) // awaited in order below, or dropped by an abort
      return p
    }
    const reads: Promise<Buffer | null>[] = []
    let next = start
    const writes: Promise<void>[] = []
    for (let i = start; i < end; i++) {
      while (next < end && reads.length < READS_AHEAD) reads.push(get(next++))
      const block = await this.step(reads.shift()!)
      if (!block) throw new TransferError('A block of the file could not be read.')
      const offset = hasher.bytes
      hasher.update(block)
      if (this.req.onBlock) {
        const write = this.req.onBlock(block, offset)
        write.catch(() => {}) // awaited below, in order
        writes.push(write)
        if (writes.length >= WRITES_AHEAD) await this.step(writes.shift()!)
      }
      if (hasher.bytes > size) throw new Oversized()
    }
    for (const write of writes) await this.step(write)
    await this.step(flusher.settled())
    if (hasher.bytes !== size)
      return {
        ok: false,
        broken: 'it holds fewer bytes than its entry says',
        fetched: this.fetched,
      }
    if (hasher.digest() !== this.req.hash)
      return { ok: false, broken: 'its bytes do not match its hash', fetched: this.fetched }
    this.done = size
    this.progress(true)
    return { ok: true, blob, fetched: this.fetched }
  }

  private progress(force: boolean): void {
    const now = Date.now()
    this.samples.push([now, this.fetched])
    while (this.samples.length > 2 && now - this.samples[0][0] > RATE_WINDOW_MS)
      this.samples.shift()
    if (!force && (now - this.lastEmit < PROGRESS_EVERY_MS || this.finished)) return
    this.lastEmit = now
    const [t0, f0] = this.samples[0]
    const rate = now > t0 ? Math.round(((this.fetched - f0) * 1000) / (now - t0)) : 0
    this.req.onProgress({ done: this.done, total: this.req.size, rate })
  }
}

/** A blob the entry could really describe: plain blocks, exactly `size` bytes claimed. */
function checkBlob(blob: BlobId, size: number): string | null {
  const ints = [blob.blockOffset, blob.blockLength, blob.byteOffset, blob.byteLength]
  if (!ints.every((n) => Number.isSafeInteger(n) && n >= 0)) return 'its drive entry is invalid'
  if ((blob as any).blockMap) return 'its drive entry is not a plain file'
  if (blob.byteLength !== size) return 'its size differs from its entry'
  if (blob.blockLength > Math.max(1, size)) return 'its drive entry is invalid'
  return null
}

/**
 * The blob at `path`: from what this node already holds, else from peers once one that
 * has the drive is connected. Resolves null when the drive has no such file.
 */
async function findBlob(drive: any, path: string, timeoutMs: number): Promise<BlobId | null> {
  const local = await drive.entry(path, { wait: false }).catch(() => null)
  if (local) return local.value?.blob ?? null
  const core = drive.core
  while (core.peers.length === 0) await waitFor(core, 'peer-add')
  await core.update({ wait: true })
  const node = await drive.entry(path, { timeout: timeoutMs })
  return node ? (node.value?.blob ?? null) : null
}

function waitFor(emitter: any, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()))
}

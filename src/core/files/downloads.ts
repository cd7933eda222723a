import path from 'node:path'
import type { FileRef, TimelineEntry } from '../../shared/types'
import { ForeignDriveError, NotADriveError, type BlobId, type Drives } from './drive'
import type { FileHasher } from './hash'
import { KnownFiles, type Known } from './known'
import { formatBytes } from './store'
import { Transfer, TransferError, type TransferResult } from './transfer'
import type { FilesContext } from './files'
import type { Room } from '../rooms/room'

// Downloads, one per file reference however many entries name it, and what is known
// about each reference: its verified blob is here ('ready'), or its bytes are not what
// the entry says ('broken'). Entries waiting on a download get its progress and state.

type Waiter = { room: Room; item: TimelineEntry }
type Sink = (block: Buffer, offset: number) => Promise<void>
interface Running {
  transfer: Transfer | null
  waiters: Waiter[]
  outcome: Promise<{ blob: BlobId; fetched: number }>
}

export class Downloads {
  private readonly known: KnownFiles
  private readonly running = new Map<string, Running>()
  private closed = false

  constructor(
    private readonly ctx: FilesContext,
    private readonly drivesOf: (room: Room) => Drives,
  ) {
    this.known = new KnownFiles(ctx.storage ? path.join(ctx.storage, 'files.json') : null)
  }

  load(): Promise<void> {
    return this.known.load()
  }

  /** 'ready', 'broken', or undefined when nothing is known yet. */
  state(ref: FileRef): Known['state'] | undefined {
    return this.known.get(refKey(ref))?.state
  }

  /** The verified blob of a reference, if it is here. */
  blob(ref: FileRef): BlobId | null {
    const known = this.known.get(refKey(ref))
    return known?.state === 'ready' ? known.blob : null
  }

  /** Records bytes this node wrote itself (they need no check). */
  markReady(ref: FileRef, blob: BlobId): void {
    this.known.set(refKey(ref), { state: 'ready', blob })
  }

  forget(ref: FileRef): void {
    this.known.delete(refKey(ref))
  }

  /** Reads a blob's blocks from local storage only, one block ahead of the consumer. */
  async *blocks(
    room: Room,
    ref: FileRef,
    blob: BlobId,
    hasher?: FileHasher,
  ): AsyncGenerator<Buffer> {
    const drive = await this.drivesOf(room).open(ref.drive)
    const blobs = await drive.getBlobs()
    const end = blob.blockOffset + blob.blockLength
    const read = (i: number): Promise<Buffer | null> => {
      const p: Promise<Buffer | null> =
        i < end ? blobs.core.get(i, { wait: false }) : Promise.resolve(null)
      p.catch(() => {}) // awaited below; a consumer that stops early leaves one read behind
      return p
    }
    let next = read(blob.blockOffset)
    for (let i = blob.blockOffset; i < end; i++) {
      const block = await next
      next = read(i + 1)
      if (!block) {
        this.known.delete(refKey(ref))
        throw new Error('Part of the file is no longer stored here; download it again.')
      }
      hasher?.update(block)
      yield block
    }
  }

  checkSize(ref: FileRef): void {
    if (ref.size > this.ctx.maxFileBytes)
      throw new Error(
        `This file is ${formatBytes(ref.size)}; downloads can be at most ` +
          `${formatBytes(this.ctx.maxFileBytes)}. Nothing was downloaded.`,
      )
  }

  /**
   * The one download of a reference, shared by every entry that waits for it. A `sink`
   * gets every block in order as it is hashed, when this call is the one that starts
   * the download (`sunk` says whether it was).
   */
  async fetch(
    room: Room,
    item: TimelineEntry | null,
    ref = item!.file!,
    sink?: Sink,
  ): Promise<{ blob: BlobId; fetched: number; sunk: boolean }> {
    this.checkSize(ref)
    if (this.closed) throw new TransferError('LinkUp is closing.')
    const key = refKey(ref)
    const known = this.known.get(key)
    if (known && item) this.setState(room, item, known.state)
    if (known?.state === 'broken') throw brokenError(known.reason)
    if (known?.state === 'ready') return { blob: known.blob, fetched: 0, sunk: false }
    let run = this.running.get(key)
    const sunk = !run && !!sink
    if (!run) {
      run = this.start(room, key, ref, sink)
      this.running.set(key, run)
    }
    if (item && !run.waiters.some((w) => w.item === item)) {
      run.waiters.push({ room, item })
      this.setState(room, item, 'downloading')
    }
    return { ...(await run.outcome), sunk }
  }

  private start(room: Room, key: string, ref: FileRef, sink?: Sink): Running {
    const run: Running = { transfer: null, waiters: [], outcome: null as any }
    run.outcome = (async () => {
      const drive = await this.drivesOf(room)
        .open(ref.drive)
        .catch((err) => {
          // A drive of another of our rooms: refused here, but not broken where it belongs.
          if (err instanceof ForeignDriveError) throw new TransferError(err.message)
          if (err instanceof NotADriveError) return null
          throw err
        })
      if (!drive)
        return this.settle(key, run, {
          ok: false,
          broken: 'it does not point at a drive',
          fetched: 0,
        })
      if (this.closed) throw new TransferError('LinkUp is closing.')
      run.transfer = new Transfer({
        drive,
        path: ref.path,
        size: ref.size,
        hash: ref.hash,
        stallMs: this.ctx.stallMs,
        onBlock: sink,
        onProgress: (p) => {
          for (const { room, item } of run.waiters)
            this.ctx.emit('file:progress', { room: room.key, id: item.id, ...p })
        },
      })
      return this.settle(key, run, await run.transfer.result)
    })()
    run.outcome
      .catch(() => {
        for (const { room, item } of run.waiters)
          if (item.fileState === 'downloading') this.setState(room, item, 'remote')
      })
      .finally(() => this.running.delete(key))
    return run
  }

  private settle(key: string, run: Running, result: TransferResult) {
    if (!result.ok) {
      this.known.set(key, { state: 'broken', reason: result.broken })
      for (const { room, item } of run.waiters) this.setState(room, item, 'broken')
      throw brokenError(result.broken)
    }
    this.known.set(key, { state: 'ready', blob: result.blob })
    for (const { room, item } of run.waiters) this.setState(room, item, 'ready')
    return { blob: result.blob, fetched: result.fetched }
  }

  setState(room: Room, item: TimelineEntry, state: TimelineEntry['fileState']): void {
    if (item.fileState === state) return
    item.fileState = state
    if (room.visible(item)) this.ctx.emit('entry:updated', item)
  }

  async close(): Promise<void> {
    this.closed = true
    const runs = [...this.running.values()]
    for (const run of runs) run.transfer?.abort(new TransferError('LinkUp is closing.'))
    await Promise.allSettled(runs.map((r) => r.outcome))
    await this.known.flush()
  }
}

/** One key per reference: the same bytes named the same way, with the same hash and size. */
export function refKey(ref: FileRef): string {
  return `${ref.drive}:${ref.path}:${ref.hash}:${ref.size}`
}

function brokenError(reason: string): Error {
  return new Error(`This file is broken: ${reason}. It is not shown as the file.`)
}

import fs from 'node:fs/promises'

// The data folder's disk as sends see it. RocksDB (under corestore) that meets ENOSPC on
// a write refuses every later write until it is reopened: there is no resume in
// rocksdb-native. So a send first checks that the disk has room and is refused with a
// clear error while it is nearly full, before any byte is written; once space returns,
// sends work again without a restart. Storage errors that still happen (a disk filled
// underneath us, a read-only folder) become one clear message naming the folder.

/** Free space below which sends are refused: room for RocksDB's own logs and flushes. */
export const MIN_FREE_BYTES = 64 * 1024 * 1024
/** While the disk has plenty of room, one check stands for this long. */
const RECHECK_MS = 1000
const PLENTY_BYTES = 4 * MIN_FREE_BYTES

export type StorageProblem = 'full' | 'read-only' | 'failed' | 'damaged'

export class StorageError extends Error {
  constructor(
    readonly folder: string,
    readonly problem: StorageProblem,
    message: string,
  ) {
    super(message)
    this.name = 'StorageError'
  }
}

export class DiskGuard {
  private checkedAt = 0

  constructor(
    private readonly folder: string,
    private readonly minFreeBytes = MIN_FREE_BYTES,
  ) {}

  /** Whether a recent check found plenty of room, so check() would return at once. */
  get fresh(): boolean {
    return Date.now() - this.checkedAt < RECHECK_MS
  }

  /** Throws StorageError('full') when the folder's disk has less than the reserve free. */
  async check(): Promise<void> {
    if (Date.now() - this.checkedAt < RECHECK_MS) return
    const stats = await fs.statfs(this.folder).catch(() => null)
    if (!stats) return // no answer is no reason to refuse; the write itself will tell
    const free = stats.bavail * stats.bsize
    if (free < this.minFreeBytes) {
      this.checkedAt = 0
      throw new StorageError(
        this.folder,
        'full',
        `Not enough disk space to save this: the disk of ${this.folder} has ` +
          `${(free / 2 ** 20).toFixed(1)} MiB free, and LinkUp keeps ` +
          `${Math.round(this.minFreeBytes / 2 ** 20)} MiB in reserve. Free some space and try ` +
          'again; nothing already stored is lost.',
      )
    }
    this.checkedAt = free > PLENTY_BYTES ? Date.now() : 0
  }
}

/** A storage failure as a clear StorageError naming the folder; other errors unchanged. */
export function storageError(err: unknown, folder: string): unknown {
  if (err instanceof StorageError || !(err instanceof Error)) return err
  const code = (err as NodeJS.ErrnoException).code
  const text = err.message
  if (code === 'EROFS' || /read-only file system/iu.test(text)) {
    return new StorageError(
      folder,
      'read-only',
      `The data folder ${folder} is on a read-only disk, so LinkUp cannot save anything there. ` +
        'Nothing already stored is lost; make it writable, or start with another --storage folder.',
    )
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new StorageError(
      folder,
      'read-only',
      `LinkUp may not write to its data folder ${folder} (${code}). Nothing already stored is lost; ` +
        'fix the folder’s permissions.',
    )
  }
  if (/corrupt|checksum mismatch|CURRENT file|MANIFEST|Invalid device file/iu.test(text)) {
    const cores = `${folder.replace(/\/+$/u, '')}/cores`
    return new StorageError(
      folder,
      'damaged',
      `The history store ${cores} is damaged and cannot be opened (${text}). LinkUp left it as ` +
        'it is: keep a copy, then move it away to start over (members re-send what they hold), ' +
        'or restore it from a backup.',
    )
  }
  if (code === 'ENOSPC' || /no space left|batch was not applied/iu.test(text)) {
    return new StorageError(
      folder,
      'failed',
      `LinkUp could not write to ${folder}: the disk is full or failing (${text}). Nothing ` +
        'already stored is lost; free some space, then restart LinkUp.',
    )
  }
  return err
}

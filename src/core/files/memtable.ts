// Keeps a large file from sitting in RocksDB's memory. Hypercore-storage opens its column
// family with 64 MiB write buffers and RocksDB keeps up to two, so without help every block
// of a file being imported or downloaded stays in memtables until 64 MiB have piled up:
// a process's RSS grows with the file by up to ~128 MiB. Flushing after every few MiB of
// blocks writes them to their blob files (where they would go anyway) and frees the
// memtable, so memory stays flat whatever the file's size. Corestore does not pass storage
// options through, so the buffer size itself cannot be lowered from here.

/** Bytes of blocks written between two memtable flushes. */
export const FLUSH_EVERY_BYTES = 8 * 1024 * 1024

export class MemtableFlusher {
  private pending = 0
  private running: Promise<void> | null = null

  /** `store`: the Corestore (or a session of it) the blocks are written through. */
  constructor(private readonly store: any) {}

  /** Counts bytes just written; starts a flush past the threshold, one at a time. */
  wrote(bytes: number): void {
    this.pending += bytes
    if (this.pending < FLUSH_EVERY_BYTES || this.running) return
    this.pending = 0
    this.running = this.flush().finally(() => (this.running = null))
  }

  /** Waits for a flush that is running (none is started). */
  async settled(): Promise<void> {
    await this.running
  }

  private async flush(): Promise<void> {
    const db = this.store?.storage?.db
    if (typeof db?.flush !== 'function') return
    // A flush is only about memory: one that fails (the store is closing) changes nothing.
    await db.flush().catch(() => {})
  }
}

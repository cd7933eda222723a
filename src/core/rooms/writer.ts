import b4a from 'b4a'
import { encodeBlock, type Entry } from '../../shared/entries'
import { MAX_BLOCK_BYTES, MAX_ENTRIES_PER_BLOCK } from '../../shared/limits'

interface Pending {
  entry: Entry
  bytes: number
  resolve(pos: { seq: number; i: number }): void
  reject(err: Error): void
}

/**
 * Appends the member's own entries to its writer core. Entries queued while an append
 * is in flight go out together in one block: one signature and one disk write for
 * many messages under load, and no added wait for a lone message.
 */
export class BatchWriter {
  private queue: Pending[] = []
  private flushing = false
  private closed = false

  constructor(
    private readonly core: any,
    private readonly header: () => { name: string; profileSeq: number; bot?: boolean },
    private readonly onProfileBlock: (seq: number) => void,
    /** Gets each block as it is appended (null if the append failed), so the timeline
     * can take it from memory instead of reading it back from disk. */
    private readonly onBlock: (seq: number, block: Uint8Array | null) => void = () => {},
  ) {}

  append(entry: Entry): Promise<{ seq: number; i: number }> {
    if (this.closed) return Promise.reject(new Error('This room is closed.'))
    const bytes = b4a.byteLength(JSON.stringify(entry))
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, bytes, resolve, reject })
      if (!this.flushing) queueMicrotask(() => this.flush())
    })
  }

  private async flush(): Promise<void> {
    if (this.flushing) return
    this.flushing = true
    try {
      while (this.queue.length) {
        const batch = this.takeBatch()
        try {
          const seq = this.core.length
          const hasProfile = batch.some((p) => p.entry.t === 'profile')
          const { name, profileSeq, bot } = this.header()
          const block = encodeBlock(
            name,
            hasProfile ? seq : profileSeq,
            batch.map((p) => p.entry),
            bot,
          )
          this.onBlock(seq, block)
          try {
            await this.core.append(block)
          } catch (err) {
            this.onBlock(seq, null)
            throw err
          }
          if (hasProfile) this.onProfileBlock(seq)
          batch.forEach((p, i) => p.resolve({ seq, i }))
        } catch (err: any) {
          batch.forEach((p) => p.reject(err))
        }
      }
    } finally {
      this.flushing = false
    }
  }

  private takeBatch(): Pending[] {
    let size = 0
    let n = 0
    while (n < this.queue.length && n < MAX_ENTRIES_PER_BLOCK) {
      size += this.queue[n].bytes + 1
      if (n > 0 && size > MAX_BLOCK_BYTES - 1024) break
      n++
    }
    return this.queue.splice(0, n)
  }

  /** Waits for queued entries to be written, then refuses new ones. */
  async close(): Promise<void> {
    while (this.flushing || this.queue.length) await new Promise((r) => setTimeout(r, 5))
    this.closed = true
  }
}

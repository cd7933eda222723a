import {
  QUOTA_AUTO_BYTES_PER_HOUR,
  QUOTA_AUTO_DOWNLOADS_PER_HOUR,
  QUOTA_BLOCKS_PER_MINUTE,
  QUOTA_ENTRY_BYTES_PER_HOUR,
} from '../../shared/limits'
import { Bucket } from '../bucket'

// Per-writer quotas, as token buckets that refill continuously: blocks per minute and
// entry bytes per hour for history, files and bytes per hour for automatic downloads. A
// writer over a history quota is paused (its new blocks are not fetched) until the member
// resumes it; one over the download quota just stops arriving by itself.

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

export type PauseReason = 'messages' | 'bytes'

export class WriterQuota {
  paused: PauseReason | null = null
  private seenLength = 0
  private seenBytes = 0
  private readonly blocks = new Bucket(QUOTA_BLOCKS_PER_MINUTE, QUOTA_BLOCKS_PER_MINUTE / MINUTE_MS)
  private readonly bytes = new Bucket(
    QUOTA_ENTRY_BYTES_PER_HOUR,
    QUOTA_ENTRY_BYTES_PER_HOUR / HOUR_MS,
  )
  private readonly autoCount = new Bucket(
    QUOTA_AUTO_DOWNLOADS_PER_HOUR,
    QUOTA_AUTO_DOWNLOADS_PER_HOUR / HOUR_MS,
  )
  private readonly autoBytes = new Bucket(
    QUOTA_AUTO_BYTES_PER_HOUR,
    QUOTA_AUTO_BYTES_PER_HOUR / HOUR_MS,
  )

  /** The writer's core was seen at this length: the history it has at first is free. */
  start(length: number, byteLength: number): void {
    this.seenLength = length
    this.seenBytes = byteLength
  }

  /** The core grew; returns the reason to pause it, or null while within quota. */
  grew(length: number, byteLength: number): PauseReason | null {
    const blocks = Math.max(0, length - this.seenLength)
    const bytes = Math.max(0, byteLength - this.seenBytes)
    this.seenLength = Math.max(this.seenLength, length)
    this.seenBytes = Math.max(this.seenBytes, byteLength)
    if (this.paused) return this.paused
    if (!this.blocks.take(blocks)) this.paused = 'messages'
    else if (!this.bytes.take(bytes)) this.paused = 'bytes'
    return this.paused
  }

  /**
   * The member let this writer in: what it has sent so far (as far as we know its length)
   * is accepted, and its quota starts over from here.
   */
  resume(length: number, byteLength: number): void {
    this.paused = null
    this.seenLength = Math.max(this.seenLength, length)
    this.seenBytes = Math.max(this.seenBytes, byteLength)
    this.blocks.refill()
    this.bytes.refill()
  }

  /** Whether a file of `size` bytes may be fetched by itself now (taken from the quota). */
  autoDownload(size: number): boolean {
    return this.autoCount.take(1) && this.autoBytes.take(size)
  }
}

import { MAX_SYNC_WRITERS_REPORTED, SYNC_GAP_MS } from '../../shared/limits'
import type { SyncProgress, SyncState, WriterSync } from '../../shared/types'
import { heldBlocks } from './blocks'
import type { Timeline } from './timeline'

// How much of a room's history this node holds, per writer (blocks on disk of each
// writer's known length), and whether the timeline has read all of it. While anything is
// missing it checks once a second that every block on disk is in the timeline (so a
// missed download event cannot leave a hole for good), and after SYNC_GAP_MS with no
// progress it reports a gap instead of letting the room look complete.

const REPORT_MS = 100
const CHECK_MS = 1000

export class SyncTracker {
  private last: SyncProgress
  private lastProgressAt = Date.now()
  private reportTimer: NodeJS.Timeout | null = null
  private checkTimer: NodeJS.Timeout | null = null
  private closed = false

  constructor(
    private readonly room: string,
    private readonly timeline: Timeline,
    private readonly emit: (progress: SyncProgress) => void,
  ) {
    this.last = { room, have: 0, total: 0, missing: 0, state: 'complete', writers: [] }
  }

  /** Something moved (a block arrived, a writer grew): report soon, at most every REPORT_MS. */
  poke(progressed = true): void {
    if (this.closed) return
    if (progressed) this.lastProgressAt = Date.now()
    if (this.reportTimer) return
    this.reportTimer = setTimeout(() => {
      this.reportTimer = null
      this.report().catch(() => {})
    }, REPORT_MS)
  }

  get current(): SyncProgress {
    return this.last
  }

  /** Counts what is held and read now, tells the room if it changed, and keeps checking while incomplete. */
  async report(): Promise<SyncProgress> {
    const next = await this.measure()
    if (this.closed) return next
    const prev = this.last
    this.last = next
    if (
      next.have !== prev.have ||
      next.total !== prev.total ||
      next.missing !== prev.missing ||
      next.state !== prev.state
    )
      this.emit(next)
    if (next.state !== 'complete') this.scheduleCheck()
    return next
  }

  private async measure(): Promise<SyncProgress> {
    let have = 0
    let total = 0
    const writers: WriterSync[] = []
    for (const w of this.timeline.writers.values()) {
      if (w.paused) continue // not fetched on purpose: shown as paused, not as a gap
      const length = w.core.length
      const held = w.own ? length : await heldBlocks(w.core).catch(() => 0)
      have += held
      total += length
      if (held < length && writers.length < MAX_SYNC_WRITERS_REPORTED)
        writers.push({ key: w.key, held, length })
    }
    const missing = Math.max(total - have, this.timeline.missing().blocks)
    if (missing < this.last.missing) this.lastProgressAt = Date.now()
    const state: SyncState =
      missing === 0
        ? 'complete'
        : Date.now() - this.lastProgressAt > SYNC_GAP_MS
          ? 'gap'
          : 'catching-up'
    return { room: this.room, have, total, missing, state, writers }
  }

  private scheduleCheck(): void {
    if (this.checkTimer || this.closed) return
    this.checkTimer = setTimeout(async () => {
      this.checkTimer = null
      if (this.closed) return
      // Blocks on disk that the timeline never read (their event was missed) are read now.
      if ((await this.timeline.reconcile().catch(() => 0)) > 0) this.lastProgressAt = Date.now()
      await this.report().catch(() => {})
    }, CHECK_MS)
  }

  close(): void {
    this.closed = true
    if (this.reportTimer) clearTimeout(this.reportTimer)
    if (this.checkTimer) clearTimeout(this.checkTimer)
  }
}

import { TYPING_MIN_GAP_MS, TYPING_SEND_MS, TYPING_TTL_MS } from '../../shared/limits'
import { Bucket } from '../bucket'

/** Indicator starts allowed in a row per member before one per TYPING_MIN_GAP_MS. */
const STARTS_BURST = 4

// "Ada is typing…": an ephemeral frame on the room channel, never an entry, never on
// disk. It reaches direct peers only (typing is not worth store-and-forward). Receivers
// keep one timer per member, bounded by the room's open channels, drop frames that come
// faster than TYPING_MIN_GAP_MS, and forget a member TYPING_TTL_MS after its last frame.

export class Typing {
  /** writer key -> when its indicator lapses */
  private readonly until = new Map<string, NodeJS.Timeout>()
  private readonly lastFrame = new Map<string, number>()
  private readonly starts = new Map<string, Bucket>()
  private lastSent = 0
  private closed = false

  constructor(
    private readonly changed: () => void,
    private readonly ttlMs = TYPING_TTL_MS,
  ) {}

  /** A typing frame from `writer`: true when it was accepted (not rate-limited). */
  received(writer: string, typing: boolean, now = Date.now()): boolean {
    if (this.closed) return false
    if (!typing) {
      // Never limited: a stop only ends what a start (which is limited) began.
      this.stop(writer)
      return true
    }
    const last = this.lastFrame.get(writer)
    if (last !== undefined && now - last < TYPING_MIN_GAP_MS) return false
    const was = this.until.get(writer)
    // Turning the indicator on is what reaches the screen: a few in a row (start, a
    // message, start again), then one per gap, so alternating start and stop is no flood.
    if (this.lastFrame.size > 1024) this.lastFrame.clear()
    if (this.starts.size > 1024) this.starts.clear()
    let starts = this.starts.get(writer)
    if (!starts)
      this.starts.set(writer, (starts = new Bucket(STARTS_BURST, 1 / TYPING_MIN_GAP_MS, now)))
    if (!was && !starts.take(1, now)) return false
    this.lastFrame.set(writer, now)
    if (was) clearTimeout(was)
    const timer = setTimeout(() => this.stop(writer), this.ttlMs)
    timer.unref?.()
    this.until.set(writer, timer)
    if (!was) this.changed()
    return true
  }

  /** The member sent a message or went away: its indicator goes at once. */
  stop(writer: string): void {
    const timer = this.until.get(writer)
    if (!timer) return
    clearTimeout(timer)
    this.until.delete(writer)
    this.lastFrame.delete(writer)
    if (!this.closed) this.changed()
  }

  /** Members typing now. */
  list(): string[] {
    return [...this.until.keys()]
  }

  /** Whether to tell peers we type: at most once per TYPING_SEND_MS. */
  shouldSend(now = Date.now()): boolean {
    if (now - this.lastSent < TYPING_SEND_MS) return false
    this.lastSent = now
    return true
  }

  /**
   * We sent a message: the next keystroke announces again at once. True if peers may still
   * show us typing (so they are told we stopped); a message sent without typing first (a
   * bot, a paste, a burst) sends no typing frame at all.
   */
  sent(now = Date.now()): boolean {
    const shown = this.lastSent > 0 && now - this.lastSent < this.ttlMs
    this.lastSent = 0
    return shown
  }

  close(): void {
    this.closed = true
    for (const timer of this.until.values()) clearTimeout(timer)
    this.until.clear()
    this.lastFrame.clear()
    this.starts.clear()
  }
}

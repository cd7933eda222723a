import type { Finding } from '../../shared/types'

// Joins a room's topic on the DHT as client and server, then announces and looks up
// again a few times. Two members who join at the same moment each look up before the
// other has announced; plain hyperswarm re-looks minutes later, so they would not meet.
// After the first announce lands, a repeat query finds anyone who announced meanwhile.
// While the room has no peer at all it keeps looking every LONELY_REPEAT_MS, and when the
// last peer leaves it starts the quick repeats again: a room is never silently stuck.
// What it is doing is reported (finding()) so the UI can say so.

const REPEAT_DELAYS_MS = [0, 500, 1500, 4000, 10000, 30000]
/** Lookups while a room has nobody, after the quick repeats. */
export const LONELY_REPEAT_MS = 30_000

export class Discovery {
  private readonly session: any
  private timer: NodeJS.Timeout | null = null
  private destroyed = false
  /** Bumped by lost(): a repeat chain of an earlier round stops. */
  private round = 0
  private since = Date.now()
  private lastAttempt = Date.now()
  private attempts = 1 // join() itself looks the topic up

  constructor(
    private readonly swarm: any,
    topic: Buffer,
    private readonly peerCount: () => number,
    /** Called after each lookup starts (the room tells the shells). */
    private readonly onattempt: () => void = () => {},
  ) {
    this.session = swarm.join(topic, { server: true, client: true })
    this.repeat(0, this.round).catch(() => {})
  }

  private async repeat(step: number, round: number): Promise<void> {
    await this.session.flushed()
    if (this.destroyed || round !== this.round) return
    const lonely = this.peerCount() === 0
    if (step >= REPEAT_DELAYS_MS.length && !lonely) return
    // Once connected, late repeats only matter for finding the rest of a large room.
    if (step >= 3 && !lonely && step < REPEAT_DELAYS_MS.length - 1)
      step = REPEAT_DELAYS_MS.length - 1
    const delay = REPEAT_DELAYS_MS[step] ?? LONELY_REPEAT_MS
    this.timer = setTimeout(() => {
      if (this.destroyed || round !== this.round) return
      this.lookup()
      this.repeat(step + 1, round).catch(() => {})
    }, delay)
  }

  private lookup(): void {
    if (this.peerCount() === 0) {
      this.attempts++
      this.lastAttempt = Date.now()
    }
    this.session.refresh().catch(() => {})
    if (this.peerCount() === 0) this.onattempt()
  }

  /** While the room has no peer: since when, and the lookups made; null once it has one. */
  finding(): Finding | null {
    if (this.destroyed || this.peerCount() > 0) return null
    return { since: this.since, lastAttempt: this.lastAttempt, attempts: this.attempts }
  }

  /** Resolves once the first announce of this topic has landed on the DHT. */
  flushed(): Promise<void> {
    return this.session.flushed()
  }

  /** Looks up the topic again now, e.g. when the network came back. */
  refresh(): void {
    if (!this.destroyed) this.lookup()
  }

  /** The last peer left: look again now and quickly, as after joining. */
  lost(): void {
    if (this.destroyed) return
    if (this.timer) clearTimeout(this.timer)
    this.round++
    this.since = Date.now()
    this.attempts = 0
    this.lookup()
    this.repeat(1, this.round).catch(() => {})
  }

  destroy(): void {
    this.destroyed = true
    if (this.timer) clearTimeout(this.timer)
  }
}

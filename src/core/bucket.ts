// A token bucket that refills continuously: `capacity` at most, `perMs` tokens a
// millisecond. Per-writer quotas (rooms/quota.ts) and the hello rate (net/hello.ts) use it.

export class Bucket {
  private tokens: number

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    private at = Date.now(),
  ) {
    this.tokens = capacity
  }

  /** Full again, from now. */
  refill(): void {
    this.tokens = this.capacity
    this.at = Date.now()
  }

  /** Takes `n`; false (and nothing taken) if there is not enough. */
  take(n = 1, now = Date.now()): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, now - this.at) * this.perMs)
    this.at = Math.max(this.at, now)
    if (n > this.tokens) return false
    this.tokens -= n
    return true
  }
}

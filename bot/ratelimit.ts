// Token buckets: each member may trigger a few answers a second, so a member (or a
// misbehaving bot) that floods commands gets silence instead of a reply storm.

export interface BucketOptions {
  /** Burst: answers allowed at once. */
  capacity: number
  /** Sustained rate. */
  refillPerSecond: number
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly opts: BucketOptions,
    private readonly now: () => number = Date.now,
    /** Buckets kept at most; full buckets are forgotten first (they carry no state). */
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes one token for `key`; false means over the limit. */
  take(key: string): boolean {
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.opts.capacity, at: now }
    const elapsedS = Math.max(0, now - bucket.at) / 1000
    bucket.tokens = Math.min(
      this.opts.capacity,
      bucket.tokens + elapsedS * this.opts.refillPerSecond,
    )
    bucket.at = now
    const ok = bucket.tokens >= 1
    if (ok) bucket.tokens -= 1
    this.buckets.set(key, bucket)
    if (this.buckets.size > this.maxKeys) this.prune()
    return ok
  }

  private prune(): void {
    const fullAfterMs = (this.opts.capacity / this.opts.refillPerSecond) * 1000
    const now = this.now()
    for (const [key, b] of this.buckets) if (now - b.at >= fullAfterMs) this.buckets.delete(key)
    // Still too many (a flood of fresh keys): drop the oldest.
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break
      this.buckets.delete(key)
    }
  }
}

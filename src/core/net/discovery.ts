// Joins a room's topic on the DHT as client and server, then announces and looks up
// again a few times. Two members who join at the same moment each look up before the
// other has announced; plain hyperswarm re-looks minutes later, so they would not meet.
// After the first announce lands, a repeat query finds anyone who announced meanwhile.

const REPEAT_DELAYS_MS = [0, 500, 1500, 4000, 10000, 30000]

export class Discovery {
  private readonly session: any
  private timer: NodeJS.Timeout | null = null
  private destroyed = false

  constructor(
    private readonly swarm: any,
    topic: Buffer,
    private readonly peerCount: () => number,
  ) {
    this.session = swarm.join(topic, { server: true, client: true })
    this.repeat(0).catch(() => {})
  }

  private async repeat(step: number): Promise<void> {
    await this.session.flushed()
    if (this.destroyed || step >= REPEAT_DELAYS_MS.length) return
    // Once connected, late repeats only matter for finding the rest of a large room.
    if (step >= 3 && this.peerCount() > 0 && step < REPEAT_DELAYS_MS.length - 1)
      step = REPEAT_DELAYS_MS.length - 1
    this.timer = setTimeout(() => {
      if (this.destroyed) return
      this.session.refresh().catch(() => {})
      this.repeat(step + 1).catch(() => {})
    }, REPEAT_DELAYS_MS[step])
  }

  /** Resolves once the first announce of this topic has landed on the DHT. */
  flushed(): Promise<void> {
    return this.session.flushed()
  }

  /** Looks up the topic again now, e.g. when the network came back. */
  refresh(): void {
    if (!this.destroyed) this.session.refresh().catch(() => {})
  }

  destroy(): void {
    this.destroyed = true
    if (this.timer) clearTimeout(this.timer)
  }
}

import b4a from 'b4a'
import { performance } from 'node:perf_hooks'

// A socket we dialled can be "open" while the peer never got it. hyperdht opens the
// client's secret stream as soon as the Noise handshake, carried over the DHT, is done:
// not one byte has crossed the socket yet. If the server dropped its side in the meantime
// (on a LAN or loopback its holepunch gives up on an unstable NAT sample while our LAN
// shortcut connects: docs/BENCHMARKS.md, "Joining: upstream root cause"), our first packet
// lands on a stream that no longer exists and nothing ever comes back. Hyperswarm counts
// the socket as connected, so it neither dials that peer again nor takes its dial.
//
// A live server writes its stream header the moment it takes the socket, so the first
// bytes arrive one round trip after we opened. A dialled socket that has read nothing
// after `deadline` is dropped; hyperswarm then redials that one peer after its first
// back-off (RETRY_BACKOFFS_MS), not after a whole new lookup. The deadline doubles for a
// peer each time it is missed, so a peer far away costs a redial or two, never its link.

/** First wait for a dialled socket's first byte; loopback and LAN answer within ~1-25 ms. */
export const FIRST_BYTE_MS = 60
/** The most a peer's wait grows to (the 1 s no-room-channel reaper covers the rest). */
const MAX_FIRST_BYTE_MS = 1000
/** Event-loop utilisation over the wait above which our own loop, not the peer, is suspect. */
const BUSY_LOOP = 0.9
/** Re-arms allowed when our own event loop, not the peer, made the wait run out. */
const MAX_LAG_RETRIES = 3
/** Peers whose learned wait is remembered; oldest forgotten first. */
const MAX_PEERS = 1024

/**
 * Hyperswarm's redial back-offs (ms): the first after a dropped socket of a peer that had
 * connected, then the next ones (hyperswarm's defaults are 1 s, 5 s, 15 s, 10 min, with up
 * to 0.5 s of jitter, so one half-open socket cost seconds). The last, for peers tried
 * more than three times, stays at hyperswarm's 10 minutes.
 */
export const RETRY_BACKOFFS_MS = [30, 60, 250, 600_000]
export const RETRY_JITTER_MS = 20

export class HalfOpenGuard {
  private readonly waits = new Map<string, number>()
  /** Dialled sockets dropped for reading nothing in time (stats, tests). */
  dropped = 0

  /** Watches a socket hyperswarm handed us; a dialled one must read a byte in time. */
  watch(conn: any): void {
    if (!conn.isInitiator || conn.destroyed) return
    const key = b4a.toString(conn.remotePublicKey, 'hex')
    const wait = this.waits.get(key) ?? FIRST_BYTE_MS
    let timer: NodeJS.Timeout | null = null
    let retries = 0
    const arm = () => {
      const due = Date.now() + wait
      const loop = performance.eventLoopUtilization()
      timer = setTimeout(() => {
        // A blocked event loop fires this late, before the I/O that waited behind it; a
        // saturated one (many members joining at once, in one process in the benchmarks)
        // may not have run the peer's side yet, or read what it sent: give the peer its
        // window again instead of blaming it for our own load.
        const late = Date.now() - due > wait
        const busy = performance.eventLoopUtilization(loop).utilization > BUSY_LOOP
        if ((late || busy) && retries++ < MAX_LAG_RETRIES) return arm()
        // Timers run before the poll phase: let pending reads land before deciding.
        setImmediate(() => this.check(conn, key, wait))
      }, wait)
    }
    arm()
    conn.once('close', () => {
      if (timer) clearTimeout(timer)
    })
  }

  private check(conn: any, key: string, wait: number): void {
    if (conn.destroyed || conn.rawBytesRead > 0) return
    this.dropped++
    this.remember(key, Math.min(MAX_FIRST_BYTE_MS, wait * 2))
    conn.destroy(new Error('Half-open: the peer never took this socket'))
  }

  private remember(key: string, wait: number): void {
    this.waits.delete(key)
    this.waits.set(key, wait)
    if (this.waits.size > MAX_PEERS) this.waits.delete(this.waits.keys().next().value!)
  }
}

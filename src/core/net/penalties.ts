import b4a from 'b4a'
import { BAD_FRAMES_BEFORE_DISCONNECT, BAN_MAX_MS, BAN_MIN_MS } from '../../shared/limits'

// A peer that keeps sending frames that fail validation is disconnected and not taken
// back for a while: BAN_MIN_MS the first time, doubling each time after, up to BAN_MAX_MS.
// A bad frame alone is dropped and counted; the connection stays until the count passes
// BAD_FRAMES_BEFORE_DISCONNECT.

export class Penalties {
  private readonly bad = new WeakMap<any, number>()
  private readonly bans = new Map<string, { until: number; strikes: number }>()

  constructor(private readonly onDisconnect: () => void) {}

  /** Counts one bad frame on `conn`; past the limit the peer is dropped and banned. */
  frame(conn: any): void {
    const n = (this.bad.get(conn) ?? 0) + 1
    this.bad.set(conn, n)
    if (n <= BAD_FRAMES_BEFORE_DISCONNECT || conn.destroyed) return
    const key = b4a.toString(conn.remotePublicKey, 'hex')
    const prior = this.bans.get(key)
    const strikes = (prior?.strikes ?? 0) + 1
    const ms = Math.min(BAN_MAX_MS, BAN_MIN_MS * 2 ** (strikes - 1))
    this.bans.set(key, { until: Date.now() + ms, strikes })
    this.onDisconnect()
    conn.destroy(new Error('Too many invalid frames'))
  }

  /** Whether a new connection from this peer is refused (it is still banned). */
  banned(conn: any): boolean {
    const key = b4a.toString(conn.remotePublicKey, 'hex')
    const ban = this.bans.get(key)
    if (!ban) return false
    if (ban.until > Date.now()) return true
    return false
  }
}

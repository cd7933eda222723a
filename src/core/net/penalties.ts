import b4a from 'b4a'
import { BAD_FRAMES_BEFORE_DISCONNECT, BAN_MAX_MS, BAN_MIN_MS } from '../../shared/limits'

// A peer that keeps sending frames that fail validation is disconnected and not taken
// back for a while: BAN_MIN_MS the first time, doubling each time after, up to BAN_MAX_MS.
// A bad frame alone is dropped and counted; the connection stays until the count passes
// BAD_FRAMES_BEFORE_DISCONNECT.

/** Peers whose ban is remembered; past this, expired bans go first, then the oldest. */
const MAX_BANS = 4096

export class Penalties {
  private readonly bad = new WeakMap<any, number>()
  private readonly bans = new Map<string, { until: number; strikes: number }>()

  constructor(private readonly onDisconnect: () => void) {}

  /** Counts one bad frame on `conn`; past the limit the peer is dropped and banned. */
  frame(conn: any): void {
    const n = (this.bad.get(conn) ?? 0) + 1
    this.bad.set(conn, n)
    if (n <= BAD_FRAMES_BEFORE_DISCONNECT || conn.destroyed) return
    this.ban(conn)
  }

  /** Drops and bans the peer now: what it sent no honest peer ever sends. */
  ban(conn: any, reason = 'Too many invalid frames'): void {
    if (conn.destroyed) return
    const key = b4a.toString(conn.remotePublicKey, 'hex')
    const prior = this.bans.get(key)
    const strikes = (prior?.strikes ?? 0) + 1
    const ms = Math.min(BAN_MAX_MS, BAN_MIN_MS * 2 ** (strikes - 1))
    this.bans.delete(key)
    this.bans.set(key, { until: Date.now() + ms, strikes })
    if (this.bans.size > MAX_BANS) this.prune()
    this.onDisconnect()
    conn.destroy(new Error(reason))
  }

  /** Keeps the ban list bounded: a peer with many keys cannot grow it for ever. */
  private prune(): void {
    const now = Date.now()
    for (const [key, ban] of this.bans) if (ban.until <= now) this.bans.delete(key)
    while (this.bans.size > MAX_BANS) this.bans.delete(this.bans.keys().next().value!)
  }

  get size(): number {
    return this.bans.size
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

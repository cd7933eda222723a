import b4a from 'b4a'
import sodium from 'sodium-universal'
import type { Finding } from '../../shared/types'

// A room's bounded mesh: which members this node dials. Every member announces the room's
// topic (as a server) and dials, itself, only until it holds `target` room channels; it
// accepts channels from others up to `cap` and refuses past that, passing on its own
// neighbours instead (peer exchange). Since everyone stops dialing below the cap, a
// newcomer always finds members with room to spare, and the graph of random links
// stays connected with a small diameter. Messages and history then flow hop by hop:
// any member's copy of a writer core serves that core to its own neighbours.
//
// Hyperswarm's own client mode would dial every member its lookup finds (and redial
// them), so the topic is joined as a server only; lookups and dials happen here, through
// `swarm.joinPeer`, and each dial ends in `leavePeer` so hyperswarm never redials by itself.

/**
 * Lookups while below target, after joining: every quarter second at first, for members
 * who joined at once (an announce takes a few hundred ms to land, so the first lookups
 * find few; a gap of a second here was a second before some members had any peer).
 */
const LOOKUP_DELAYS_MS = [0, 250, 500, 750, 1000, 1500, 2500, 4000, 10_000, 30_000]
/** Below target after the first lookups: look again this often. */
const LOOKUP_EVERY_MS = 30_000
/** A dial that opened no room channel in this time is given up. */
export const DIAL_TIMEOUT_MS = 5000
/** A member that refused us (full), or could not be reached, is not dialed again for this long. */
const RETRY_AFTER_MS = 30_000
/** Candidates remembered per room (from lookups and peer exchange); older ones make way. */
const MAX_CANDIDATES = 512
/** Dials in flight at once per room. */
const MAX_DIALS = 4
/** …while the room has no link yet, plus one for each dial in flight longer than this: */
const FIRST_DIALS = 1
/**
 * a key that leads nowhere (a keyless swarm announcing the topic, a made-up key passed on)
 * holds its dial until DIAL_TIMEOUT_MS, and must not hold a lone member's only one.
 */
const ALONE_DIAL_PATIENCE_MS = 2000
/**
 * Dials beyond the first link wait this long after it opened. With one link a member
 * already has the room (messages and history flow through the mesh); the others make it
 * robust and keep the graph's diameter small, and can come a moment later. In a crowd
 * joining at once, the members who linked first went straight on to dial two more each,
 * just as the last to join placed their first dials, and every handshake in flight
 * slowed all the others: the last first links came at 1.6-2.3 s instead of 0.85-1.4 s
 * (scripts/crowd-trace.ts, five alternating pairs, docs/BENCHMARKS.md).
 */
const MORE_LINKS_AFTER_MS = 500

/**
 * Links a member dials for itself (3 of a cap of 8); the rest of the cap is left for others
 * to reach it. Dialing close to the cap would fill the members already there, so that each
 * newcomer could only link with the newest few: a long thin chain (bench/overlay.ts found
 * hops p99 41-49 at 1,000-10,000 members dialing 6 of 8, and 6-9 dialing 3 of 8).
 */
export function meshTarget(cap: number): number {
  if (cap < 3) return 1
  return Math.max(2, Math.round((cap * 3) / 8))
}

/**
 * Links we dialed ourselves, to members picked at random from the DHT, that others cannot
 * take from us: a crowd of identities dialing in fills at most the rest of the cap, so it
 * cannot cut a member off from the room (an eclipse).
 */
export function meshReserve(cap: number): number {
  return Math.min(meshTarget(cap), cap >= 6 ? 2 : 1)
}

export interface MeshPeers {
  /** Swarm keys (hex) of members with an open or accepted channel here: true if we dialed. */
  linked(): Map<string, boolean>
}

export class Mesh {
  readonly target: number
  readonly reserve: number
  private readonly candidates = new Map<string, { tried: number }>()
  private readonly dialing = new Map<string, NodeJS.Timeout>()
  /** When each dial in flight started (ms). */
  private readonly dialedAt = new Map<string, number>()
  private patience: NodeJS.Timeout | null = null
  /** When the room's first link opened (while it keeps one), and the wait to dial more. */
  private firstLinkAt = 0
  private waitMore: NodeJS.Timeout | null = null
  private timer: NodeJS.Timeout | null = null
  private step = 0
  private looking: Promise<void> | null = null
  private again = false
  private destroyed = false
  private readonly self: string
  /** Since when the room has had no link, and the lookups and dials made since (the UI shows it). */
  private since = Date.now()
  private lastAttempt = 0
  private attempts = 0
  private alone = true
  private readonly session: any

  constructor(
    private readonly swarm: any,
    private readonly topic: Buffer,
    readonly cap: number,
    private readonly peers: MeshPeers,
    private readonly changed: () => void = () => {},
  ) {
    this.target = meshTarget(cap)
    this.reserve = meshReserve(cap)
    this.self = b4a.toString(swarm.keyPair.publicKey, 'hex')
    this.session = swarm.join(topic, { server: true, client: false })
    this.start()
    // Our announce landed: members who joined with us have most likely landed too.
    this.session.flushed().then(
      () => this.refresh(),
      () => {},
    )
  }

  /** Resolves once the first announce of this topic has landed on the DHT. */
  flushed(): Promise<void> {
    return this.session.flushed()
  }

  /** Whether a new link on this connection would go over the cap (or into the reserve). */
  full(weDialed: boolean): boolean {
    const linked = this.peers.linked()
    if (linked.size >= this.cap) return true
    if (weDialed) return false
    let inbound = 0
    for (const outbound of linked.values()) if (!outbound) inbound++
    return inbound >= this.cap - this.reserve
  }

  /** Members a neighbour passed on (it was full, or we asked): dialed if we need more. */
  offer(keys: string[]): void {
    for (const key of keys) this.remember(key)
    this.fill()
  }

  /** A channel opened, was refused or closed: stop dialing that member, dial more if short. */
  settled(key: string, refused: boolean): void {
    this.endDial(key)
    // Only members we know as candidates: every inbound peer ever refused would grow the map.
    if (refused && this.candidates.has(key)) this.candidates.set(key, { tried: Date.now() })
    this.fill()
    this.report()
  }

  /** Forgets who refused us lately and looks again now (a member was unblocked here). */
  retry(): void {
    if (this.destroyed) return
    // On the quick schedule again, as after joining: on the slow one a first dial that
    // fails would leave the room alone for a whole lookup period.
    this.restartLookups()
  }

  /** Looks the topic up again now if the room needs members (network came back, socket died). */
  refresh(): void {
    if (!this.destroyed && this.wanting) this.lookup()
  }

  /**
   * Fewer links than the target, or fewer we dialed ourselves than the reserve, even counting
   * the dials in flight: only then is a lookup worth its cost. In a crowd joining at once,
   * each member looked up every 250 ms while its first dials were still on their way, and
   * those DHT queries delayed the very handshakes they waited for. A dial that fails
   * settles, and the next scheduled lookup runs.
   */
  private get wanting(): boolean {
    return this.need(this.peers.linked()) - this.dialing.size > 0
  }

  private need(linked: Map<string, boolean>): number {
    let outbound = 0
    for (const ours of linked.values()) if (ours) outbound++
    const room = this.cap - linked.size
    return Math.min(room, Math.max(this.target - linked.size, this.reserve - outbound))
  }

  /** While the room has no link: since when, and what was tried; null once it has one. */
  finding(): Finding | null {
    if (this.destroyed || this.peers.linked().size > 0) return null
    return { since: this.since, lastAttempt: this.lastAttempt, attempts: this.attempts }
  }

  /** The last link closed: look again now and quickly, as after joining. */
  lost(): void {
    if (this.destroyed) return
    this.firstLinkAt = 0
    this.since = Date.now()
    this.attempts = 0
    // Alone now: members who refused or failed us lately may well take us now.
    this.restartLookups()
  }

  /** Forgets who refused or failed us lately and looks up on the quick schedule again. */
  private restartLookups(): void {
    for (const c of this.candidates.values()) c.tried = 0
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.step = 0
    this.start()
  }

  /** Looks up now, then on the quick schedule while the room is short of links. */
  private start(): void {
    this.lookup()
    this.step = 1
    this.schedule(LOOKUP_DELAYS_MS[1])
  }

  private schedule(delay: number): void {
    if (this.destroyed || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.destroyed) return
      if (this.wanting) this.lookup()
      this.step++
      this.schedule(LOOKUP_DELAYS_MS[this.step] ?? LOOKUP_EVERY_MS)
    }, delay)
    this.timer.unref?.()
  }

  private lookup(): void {
    this.attempted()
    // One already running may have asked before the members we look for had landed:
    // one more follows it.
    if (this.looking) {
      this.again = true
      return
    }
    this.looking = this.run().finally(() => {
      this.looking = null
      if (this.again && !this.destroyed && this.wanting) this.lookup()
    })
    this.again = false
  }

  private async run(): Promise<void> {
    try {
      // The first answers are dialed as they come: waiting for the whole query costs a join.
      for await (const data of this.swarm.dht.lookup(this.topic)) {
        if (this.destroyed) return
        for (const peer of data.peers ?? []) this.remember(b4a.toString(peer.publicKey, 'hex'))
        this.fill()
      }
    } catch {
      // The DHT is unreachable right now: the next scheduled lookup tries again.
    }
  }

  private remember(key: string): void {
    if (!/^[0-9a-f]{64}$/u.test(key) || key === this.self || this.candidates.has(key)) return
    if (this.candidates.size >= MAX_CANDIDATES) {
      const oldest = this.candidates.keys().next().value
      if (oldest !== undefined) this.candidates.delete(oldest)
    }
    this.candidates.set(key, { tried: 0 })
  }

  /** Dials random candidates until the channels open and dials in flight reach the target. */
  private fill(): void {
    if (this.destroyed) return
    const linked = this.peers.linked()
    if (linked.size > 0 && this.holdingMore()) return
    // Alone, one dial at a time: in a crowd every handshake in flight slows all the others,
    // and the first link comes sooner for everyone when each member has one on its way.
    const most = linked.size === 0 ? this.aloneDials() : MAX_DIALS
    let need = Math.min(this.need(linked) - this.dialing.size, most - this.dialing.size)
    if (need <= 0) return
    const now = Date.now()
    const pool = [...this.candidates]
      .filter(
        ([key, c]) => !linked.has(key) && !this.dialing.has(key) && now - c.tried > RETRY_AFTER_MS,
      )
      .map(([key]) => key)
    while (need-- > 0 && pool.length) {
      const at = sodium.randombytes_uniform(pool.length)
      const key = pool[at]
      pool[at] = pool[pool.length - 1]
      pool.pop()
      this.dial(key)
    }
  }

  /** Whether dials beyond the first link still wait (MORE_LINKS_AFTER_MS); fills after. */
  private holdingMore(): boolean {
    const now = Date.now()
    if (this.firstLinkAt === 0) this.firstLinkAt = now
    const wait = this.firstLinkAt + MORE_LINKS_AFTER_MS - now
    if (wait <= 0) return false
    this.waitMore ??= setTimeout(() => {
      this.waitMore = null
      this.fill()
    }, wait)
    this.waitMore.unref?.()
    return true
  }

  /** Dials allowed in flight while alone: one, and one more per dial that is taking long. */
  private aloneDials(): number {
    const now = Date.now()
    let slow = 0
    for (const at of this.dialedAt.values()) if (now - at >= ALONE_DIAL_PATIENCE_MS) slow++
    return Math.min(MAX_DIALS, FIRST_DIALS + slow)
  }

  private dial(key: string): void {
    this.candidates.set(key, { tried: Date.now() })
    this.dialedAt.set(key, Date.now())
    if (this.peers.linked().size === 0 && !this.patience) {
      // Alone: if this dial takes long, another may start (fill() otherwise runs only on
      // events: a lookup's answers, a link settling).
      this.patience = setTimeout(() => {
        this.patience = null
        this.fill()
      }, ALONE_DIAL_PATIENCE_MS)
      this.patience.unref?.()
    }
    this.attempted()
    this.dialing.set(
      key,
      setTimeout(() => this.settled(key, true), DIAL_TIMEOUT_MS),
    )
    this.swarm.joinPeer(b4a.from(key, 'hex'))
  }

  private endDial(key: string): void {
    const timer = this.dialing.get(key)
    if (!timer) return
    clearTimeout(timer)
    this.dialing.delete(key)
    this.dialedAt.delete(key)
    // The connection, if any, stays; hyperswarm just stops redialing it by itself.
    this.swarm.leavePeer(b4a.from(key, 'hex'))
  }

  private attempted(): void {
    this.lastAttempt = Date.now()
    this.attempts++
    if (this.peers.linked().size === 0) this.changed()
  }

  /** Tells the room when it gains its first link or loses its last (the header changes). */
  private report(): void {
    const alone = this.peers.linked().size === 0
    if (alone !== this.alone) {
      this.alone = alone
      this.changed()
    }
  }

  destroy(): void {
    this.destroyed = true
    if (this.timer) clearTimeout(this.timer)
    if (this.patience) clearTimeout(this.patience)
    if (this.waitMore) clearTimeout(this.waitMore)
    for (const key of [...this.dialing.keys()]) this.endDial(key)
  }
}

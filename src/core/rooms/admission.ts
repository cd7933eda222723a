import {
  ADMISSION_PROBATION_MS,
  MAX_REJECTED_WRITERS,
  MAX_UNPROVEN_WRITERS_PER_PEER,
} from '../../shared/limits'

// Which gossiped writer keys a room follows. A key a peer passes on costs us a core and a
// slot, and a hostile member can pass on any number of them, so: the writers of directly
// connected peers are always followed (they proved their keys on the channel); a gossiped
// key is followed on probation, at most MAX_UNPROVEN_WRITERS_PER_PEER at once for each
// peer that passed keys on, and is dropped if no valid entry of it arrives within
// ADMISSION_PROBATION_MS. A key that proved itself holds its slot for good; one that did
// not is remembered (a bounded set) and not tried again for RETRY_MS. Fake keys thus use up only the
// quota of the peer that sent them, and a real member's key passed on by anyone else
// still gets in.

/** A key that failed probation may be tried again after this long (its author may be back). */
const RETRY_MS = 10 * 60_000

interface Probation {
  from: string
  since: number
}

export class Admission {
  private readonly probation = new Map<string, Probation>()
  private readonly perPeer = new Map<string, number>()
  /** Keys that failed probation, by when: tried again only after RETRY_MS. */
  private readonly rejected = new Map<string, number>()

  /** Whether to start following `key`, passed on by peer `from`, now. */
  offer(from: string, key: string): boolean {
    if (this.probation.has(key)) return false
    const failed = this.rejected.get(key)
    if (failed !== undefined && Date.now() - failed < RETRY_MS) return false
    const used = this.perPeer.get(from) ?? 0
    if (used >= MAX_UNPROVEN_WRITERS_PER_PEER) return false
    this.perPeer.set(from, used + 1)
    this.probation.set(key, { from, since: Date.now() })
    return true
  }

  /** A valid entry of `key` arrived: it keeps its place and frees its sponsor's quota. */
  proven(key: string): void {
    const p = this.probation.get(key)
    if (!p) return
    this.probation.delete(key)
    this.release(p.from)
  }

  /** Keys whose probation ran out without a valid entry: the room stops following them. */
  expired(now = Date.now()): string[] {
    const out: string[] = []
    for (const [key, p] of this.probation) {
      if (now - p.since < ADMISSION_PROBATION_MS) continue
      this.probation.delete(key)
      this.release(p.from)
      this.rejected.delete(key)
      this.rejected.set(key, now)
      if (this.rejected.size > MAX_REJECTED_WRITERS)
        this.rejected.delete(this.rejected.keys().next().value!)
      out.push(key)
    }
    return out
  }

  get onProbation(): number {
    return this.probation.size
  }

  private release(from: string): void {
    const n = (this.perPeer.get(from) ?? 1) - 1
    if (n > 0) this.perPeer.set(from, n)
    else this.perPeer.delete(from)
  }
}

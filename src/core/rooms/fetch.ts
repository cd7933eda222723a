import b4a from 'b4a'

// How a room asks hypercore for its writers' blocks: a member back from a while away (or
// new to the room) sees the newest messages first, then the backlog fills in.
//
// Why in stages (see hypercore's lib/replicator.js): each peer takes at most 16 requests
// per core at a time on a fast link, one block each. A live range (start 0, end -1) picks
// its blocks at random over the whole core, and a download started while it runs gets only
// the slots it leaves free, so the newest page waits behind random picks of the backlog.
// Ranges cannot be ordered, so the newest blocks are asked for alone, the newest few first
// (their proofs are the largest: nothing of the tree is held yet), and the live range only
// once they are here. A range that is already running has sent its first requests when
// the writer's new length is announced to us ('append' comes after hypercore has used the
// free slots), so a writer first heard of at length 0 gets no live range until its length
// says whether it has a backlog at all.

/** Of a writer's newest blocks, this many are asked for before its backlog (a page or more). */
const NEWEST_FIRST_BLOCKS = 64
/**
 * And of those, first and alone, at most this many blocks (a page of 50 spread over a few
 * writers, one message a block) and about this many bytes (a block of a burst holds up to
 * a few hundred messages: its newest two already hold a page), at least 2 blocks.
 */
const NEWEST_FIRST_STAGE_BLOCKS = 24
const NEWEST_FIRST_STAGE_BYTES = 16 * 1024
/** The live range starts after this even if the newest blocks are not all here (a peer left). */
const BACKLOG_AFTER_MS = 1000

interface Fetch {
  key: string
  core: any
  /** The length up to which the newest blocks have been asked for. */
  asked: number
  /** The live range (everything not held, and each block appended), while it runs. */
  live: any
  /** Newest-first stages are running; the live range waits for them. */
  staging: number
}

export class CatchUp {
  private readonly byCore = new WeakMap<any, Fetch>()
  private readonly byKey = new Map<string, Fetch>()
  private closed = false

  /** `paused`: a writer over its quota is not fetched (until resume()). */
  constructor(private readonly paused: (key: string) => boolean) {}

  /** A writer is followed (its core is ready). */
  follow(core: any): void {
    const f: Fetch = { key: b4a.toString(core.key, 'hex'), core, asked: 0, live: null, staging: 0 }
    this.byCore.set(core, f)
    this.byKey.set(f.key, f)
    if (core.length > 0) this.grew(core)
  }

  /** A writer's length grew (an upgrade arrived, or we learned it for the first time). */
  grew(core: any): void {
    const f = this.byCore.get(core)
    if (!f || this.closed || core.length <= f.asked) return
    const jump = core.length - f.asked
    // A few new blocks: the live range asks for them, or starts now for a writer that has
    // no more than its first stage (its first message must not wait for stages).
    const few = f.live ? NEWEST_FIRST_BLOCKS : f.asked === 0 ? stageBlocks(core) : 0
    if (jump <= few && !f.staging) {
      f.asked = core.length
      this.startLive(f)
      return
    }
    if (f.live) {
      // Back after a while: the live range stops picking at random while the newest go.
      f.live.destroy()
      f.live = null
    }
    this.newestFirst(f)
  }

  /** A writer went over a quota: nothing more of it is fetched until resume(). */
  pause(key: string): void {
    const f = this.byKey.get(key)
    f?.live?.destroy()
    if (f) f.live = null
  }

  /** The member lets a paused writer's blocks in again: the newest first, then the rest. */
  resume(core: any): void {
    const f = this.byCore.get(core)
    if (!f) return
    f.asked = Math.min(f.asked, Math.max(0, core.length - NEWEST_FIRST_BLOCKS))
    this.newestFirst(f)
  }

  /** A writer no longer followed. */
  forget(key: string): void {
    this.pause(key)
    this.byKey.delete(key)
  }

  close(): void {
    this.closed = true
  }

  /** The newest blocks not asked for yet, in two stages, then the live range. */
  private newestFirst(f: Fetch): void {
    const { core } = f
    const length = core.length
    const start = Math.max(f.asked, length - NEWEST_FIRST_BLOCKS, 0)
    f.asked = length
    const first = Math.max(start, length - stageBlocks(core))
    f.staging++
    let done = false
    const next = () => {
      if (done) return
      done = true
      f.staging--
      this.startLive(f)
    }
    setTimeout(next, BACKLOG_AFTER_MS).unref?.()
    const older = () => {
      if (first <= start || this.closed) return next()
      core.download({ start, end: first }).done().then(next, next)
    }
    core.download({ start: first, end: length }).done().then(older, older)
  }

  private startLive(f: Fetch): void {
    if (this.closed || f.live || f.staging || f.core.closing || f.core.closed) return
    if (this.paused(f.key)) return
    f.live = f.core.download({ start: 0, end: -1 })
  }
}

/** How many of a writer's newest blocks go first, alone (see NEWEST_FIRST_STAGE_BYTES). */
function stageBlocks(core: any): number {
  const blockBytes = core.byteLength / core.length || 1
  const byBytes = Math.max(2, Math.ceil(NEWEST_FIRST_STAGE_BYTES / blockBytes))
  return Math.min(NEWEST_FIRST_STAGE_BLOCKS, byBytes)
}

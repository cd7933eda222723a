import b4a from 'b4a'
import { makePushFrame } from './block-push'

// Which of a writer's newest blocks to push to which link (block-push.ts is the frame), for
// net/core-links.ts. A block is pushed to a link at most once: when we get it or append it,
// when we start vouching for its writer, when the link opens, or when the neighbour's haves
// show it is behind us; never back to the link it came from. Only the newest PUSH_WINDOW
// blocks of a writer are pushed, newest first; an older gap is a backlog, fetched through a
// replication session. Each proof is made for the length the neighbour has (from its haves,
// or what we pushed it), and proofs are made one link at a time, so the work queued per
// link stays bounded by PUSH_WINDOW blocks per writer.

/** Of a writer, the newest blocks that are pushed. */
export const PUSH_WINDOW = 4
/** Proofs being made for one link at once; a link past it is left to the sessions. */
const MAX_QUEUED_PER_LINK = 256
/** Frames kept to send again (a block goes to several links, mostly for the same length). */
const MAX_FRAMES_KEPT = 512

interface Made {
  frame: Buffer
  /** The length the receiver has once it applies the frame. */
  length: number
}

interface LinkPushes {
  /** Per writer, the indices pushed to this link or known to be there (newest PUSH_WINDOW). */
  sent: Map<string, Set<number>>
  /** Per writer, the length the neighbour has or will have once our pushes apply. */
  length: Map<string, number>
  queued: number
}

export interface PushTarget {
  conn: any
  sendBlock(frame: Buffer): void
}

export class Pushes {
  private readonly links = new Map<any, LinkPushes>()
  /** Frames made or received (verified), by writer, block and the length they were made for. */
  private readonly frames = new Map<string, Made>()

  open(conn: any): void {
    if (!this.links.has(conn))
      this.links.set(conn, { sent: new Map(), length: new Map(), queued: 0 })
  }

  close(conn: any): void {
    this.links.delete(conn)
  }

  /** The neighbour on `conn` has block `index` of `key` (it sent it to us, or told us). */
  has(conn: any, key: string, index: number): void {
    const link = this.links.get(conn)
    if (link) remember(link, key, index)
  }

  /** A frame we applied: passed on as is to links that have the length it was made for. */
  keep(key: string, index: number, assumed: number, made: Made): void {
    const id = `${key}:${index}:${assumed}`
    this.frames.delete(id)
    this.frames.set(id, made)
    if (this.frames.size > MAX_FRAMES_KEPT) this.frames.delete(this.frames.keys().next().value!)
  }

  private async frameFor(
    core: any,
    key: string,
    index: number,
    assumed: number,
  ): Promise<Made | null> {
    const kept = this.frames.get(`${key}:${index}:${assumed}`)
    if (kept) return kept
    const made = await makePushFrame(core, index, assumed).catch(() => null)
    if (made) this.keep(key, index, assumed, made)
    return made
  }

  /** What the neighbour said it has of a writer's length. */
  told(conn: any, key: string, length: number): void {
    const link = this.links.get(conn)
    if (link && length > (link.length.get(key) ?? 0)) link.length.set(key, length)
  }

  /**
   * Pushes to `target` the newest blocks of `core` it lacks. `held`: how many blocks of the
   * core the neighbour said it holds (it lacks some if that is below ours). Returns once the
   * frames are sent.
   */
  async push(target: PushTarget, core: any, held: number, ourHeld: number): Promise<void> {
    const link = this.links.get(target.conn)
    const length = core.length ?? 0
    if (!link || length === 0) return
    const key = b4a.toString(core.key, 'hex')
    let assumed = link.length.get(key) ?? 0
    if (assumed >= length && held >= ourHeld) return
    const sent = link.sent.get(key)
    const want: number[] = []
    for (let i = length - 1; i >= Math.max(0, length - PUSH_WINDOW); i--) {
      if (!sent?.has(i)) want.push(i)
    }
    // Which of them it lacks is not known (haves count blocks): all of them go, once.
    for (const index of want) {
      if (link.queued >= MAX_QUEUED_PER_LINK || this.links.get(target.conn) !== link) return
      remember(link, key, index)
      link.queued++
      try {
        const made = await this.frameFor(core, key, index, assumed)
        if (!made) link.sent.get(key)?.delete(index) // not here yet: pushed once it is
        if (!made || this.links.get(target.conn) !== link) continue
        target.sendBlock(made.frame)
        // Once this applies the neighbour has that length: the next proof is made for it.
        assumed = Math.max(assumed, made.length)
        link.length.set(key, assumed)
      } finally {
        link.queued--
      }
    }
  }

  destroy(): void {
    this.links.clear()
    this.frames.clear()
  }
}

function remember(link: LinkPushes, key: string, index: number): void {
  let sent = link.sent.get(key)
  if (!sent) link.sent.set(key, (sent = new Set()))
  sent.add(index)
  // Only the newest blocks are ever pushed: older marks are dropped, keeping this bounded.
  if (sent.size > 2 * PUSH_WINDOW) {
    const newest = Math.max(...sent)
    for (const i of sent) if (i <= newest - 2 * PUSH_WINDOW) sent.delete(i)
  }
}

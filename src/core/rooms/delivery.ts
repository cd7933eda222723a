import b4a from 'b4a'
import { entryId } from '../../shared/entries'
import type { TimelineEntry } from '../../shared/types'

const TRACKED_BLOCKS = 4096

/**
 * Delivery state of the member's own messages: "sent" once on disk, then "reached N"
 * as connected peers fetch the block that holds it from this node's writer core, or tell
 * us they hold every block of it up to some length (their haves, after our pushes).
 */
export class Delivery {
  private readonly reached = new Map<number, Set<string>>()
  private readonly entriesIn = new Map<number, number>()

  constructor(
    core: any,
    private readonly ownKey: string,
    private readonly get: (id: string) => TimelineEntry | undefined,
    private readonly onUpdate: (item: TimelineEntry) => void,
  ) {
    core.on('upload', (seq: number, _bytes: number, from: any) => this.onUpload(seq, from))
  }

  /** Records that entry i of block seq is own and should show its delivery. */
  track(seq: number, i: number): void {
    this.entriesIn.set(seq, Math.max(this.entriesIn.get(seq) ?? 0, i + 1))
    if (this.entriesIn.size > TRACKED_BLOCKS) {
      const oldest = this.entriesIn.keys().next().value as number
      this.entriesIn.delete(oldest)
      this.reached.delete(oldest)
    }
  }

  /** A linked peer (its swarm key, hex) said it holds `held` of our first `length` blocks. */
  held(peer: string, length: number, held: number): void {
    // Only a count: it holds each block only if it holds all of them.
    if (held < length) return
    for (const seq of this.entriesIn.keys()) if (seq < length) this.reachedBy(seq, peer)
  }

  private onUpload(seq: number, from: any): void {
    const remote = from?.remotePublicKey
    if (remote) this.reachedBy(seq, b4a.toString(remote, 'hex'))
  }

  private reachedBy(seq: number, id: string): void {
    const count = this.entriesIn.get(seq)
    if (!count) return
    let peers = this.reached.get(seq)
    if (!peers) this.reached.set(seq, (peers = new Set()))
    if (peers.has(id)) return
    peers.add(id)
    for (let i = 0; i < count; i++) {
      const item = this.get(entryId(this.ownKey, seq, i))
      if (!item) continue
      item.delivery = { state: 'reached', peers: peers.size }
      this.onUpdate(item)
    }
  }
}

import type { TimelineEntry } from '../../shared/types'
import type { RoomState } from './room'
import type { Writer } from './timeline'

// Read and clear marks, kept per writer: "everything of writer W up to block seq S". A
// mark that is a position in the merged order could be pushed past every later message by
// one entry dated far ahead, and an entry that sorted below it would stay hidden or read
// forever. Per writer, an entry is read (or cleared) only if this node had read its block
// when the mark was set, whatever its clock says, and one that arrives late and fills a
// gap counts as unread. A room whose marks were set by 0.1 (order keys) uses those until
// its first mark per writer is set.

/** The last block of `w` read without a gap, not counting blocks held back as future. */
export function contiguousSeq(w: Writer): number {
  let top = w.high - 1
  for (const seq of w.holes) if (seq <= top) top = seq - 1
  for (const seq of w.future.keys()) if (seq <= top) top = seq - 1
  return top
}

export function entrySeq(item: TimelineEntry): number {
  const end = item.id.lastIndexOf('.')
  return Number(item.id.slice(item.id.lastIndexOf('.', end - 1) + 1, end))
}

export class Marks {
  constructor(private readonly state: RoomState) {}

  cleared(item: TimelineEntry): boolean {
    const marks = this.state.clearedSeqs
    if (marks) return entrySeq(item) <= (marks[item.author] ?? -1)
    return !!this.state.cleared && item.order <= this.state.cleared
  }

  read(item: TimelineEntry): boolean {
    if (this.cleared(item)) return true
    const marks = this.state.readSeqs
    if (marks) return entrySeq(item) <= (marks[item.author] ?? -1)
    return !!this.state.read && item.order <= this.state.read
  }

  /** Marks everything read so far as read; false if nothing changed. */
  markRead(writers: Iterable<Writer>, lastOrder: string): boolean {
    const marks = (this.state.readSeqs ??= {})
    let changed = advance(marks, writers)
    if (lastOrder > this.state.read) {
      this.state.read = lastOrder // where the renderer draws the unread divider
      changed = true
    }
    return changed
  }

  clear(writers: Iterable<Writer>, lastOrder: string): void {
    advance((this.state.clearedSeqs ??= {}), writers)
    if (lastOrder > this.state.cleared) this.state.cleared = lastOrder
  }
}

function advance(marks: Record<string, number>, writers: Iterable<Writer>): boolean {
  let changed = false
  for (const w of writers) {
    const seq = contiguousSeq(w)
    if (seq >= 0 && seq > (marks[w.key] ?? -1)) {
      marks[w.key] = seq
      changed = true
    }
  }
  return changed
}

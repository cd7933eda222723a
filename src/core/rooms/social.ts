import { entryId } from '../../shared/entries'
import { fingerprint } from '../../shared/roomkey'
import type { TimelineEntry } from '../../shared/types'
import { Reactions, type ReactionEntry } from './reactions'
import type { Timeline } from './timeline'
import { Typing } from './typing'

// What a room adds on top of its timeline for replies, reactions and typing: keeps
// reactions (reactions.ts) and writes them on the entries the timeline hands out, and
// keeps who is typing (typing.ts). Names always come from the members' signed entries.

/**
 * Reactions read before their target exists here (blocks arrive in any order: a neighbour
 * pushes each writer's newest first), kept until it is handed out, oldest dropped first.
 */
const MAX_WAITING_REACTIONS = 1024
/**
 * …and per reactor: a member can write reactions to entries that will never exist, and
 * with one shared bound alone its flood would push out everyone else's waiting ones.
 */
export const MAX_WAITING_PER_REACTOR = 64

export class Social {
  readonly reactions = new Reactions()
  readonly typing: Typing
  /** Target id -> reactions to it read before it could exist. */
  private readonly waiting = new Map<string, Array<[string, ReactionEntry]>>()
  private waitingCount = 0
  private readonly waitingBy = new Map<string, number>()

  constructor(
    private readonly timeline: Timeline,
    private readonly updated: (item: TimelineEntry) => void,
    typingChanged: () => void,
  ) {
    this.typing = new Typing(typingChanged)
    timeline.on('reaction', (reactor: string, entry: ReactionEntry) =>
      this.onReaction(reactor, entry),
    )
    // Registered before the room's own listener, so what it emits is decorated.
    timeline.on('added', (item: TimelineEntry) => {
      this.decorate(item)
      this.typing.stop(item.author)
    })
  }

  /** Display name of a member: its signed name, or a fingerprint when it has none yet. */
  nameOf = (key: string): string => this.timeline.writers.get(key)?.name || fingerprint(key)

  private get ownKey(): string {
    for (const w of this.timeline.writers.values()) if (w.own) return w.key
    return ''
  }

  private onReaction(reactor: string, entry: ReactionEntry): void {
    // Only entries that can exist: a known writer and a block it has written.
    const target = this.timeline.writers.get(entry.target.w)
    if (!target || entry.target.seq >= target.core.length) return this.wait(reactor, entry)
    const id = this.reactions.apply(reactor, entry)
    const item = id && this.timeline.get(id)
    if (!item) return
    this.decorate(item)
    this.updated(item)
  }

  private wait(reactor: string, entry: ReactionEntry): void {
    const mine = this.waitingBy.get(reactor) ?? 0
    if (mine >= MAX_WAITING_PER_REACTOR) return
    const id = entryId(entry.target.w, entry.target.seq, entry.target.i)
    const list = this.waiting.get(id) ?? []
    list.push([reactor, entry])
    this.waiting.set(id, list)
    this.counted([[reactor, entry]], 1)
    while (this.waitingCount > MAX_WAITING_REACTIONS) {
      const [oldest, dropped] = this.waiting.entries().next().value!
      this.waiting.delete(oldest)
      this.counted(dropped, -1)
    }
  }

  /** Keeps the waiting counts, in all and per reactor, as reactions wait or stop waiting. */
  private counted(list: Array<[string, ReactionEntry]>, sign: 1 | -1): void {
    for (const [reactor] of list) {
      this.waitingCount += sign
      const n = (this.waitingBy.get(reactor) ?? 0) + sign
      if (n > 0) this.waitingBy.set(reactor, n)
      else this.waitingBy.delete(reactor)
    }
  }

  /** Reactions waiting for their target: in all, and those of one reactor. */
  waitingReactions(reactor?: string): number {
    return reactor === undefined ? this.waitingCount : (this.waitingBy.get(reactor) ?? 0)
  }

  /** Writes the current reactions onto an entry the room hands out. */
  decorate(item: TimelineEntry): TimelineEntry {
    const waiting = this.waiting.get(item.id)
    if (waiting) {
      // It exists now: what was read before it counts.
      this.waiting.delete(item.id)
      this.counted(waiting, -1)
      for (const [reactor, entry] of waiting) this.reactions.apply(reactor, entry)
    }
    const summary = this.reactions.summary(item.id, this.ownKey, this.nameOf)
    if (summary.length || item.reactions) item.reactions = summary
    return item
  }

  /** Members typing now, with their names. */
  typingMembers(): Array<{ key: string; name: string }> {
    return this.typing.list().map((key) => ({ key, name: this.nameOf(key) }))
  }

  close(): void {
    this.typing.close()
  }
}

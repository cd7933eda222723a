import { entryId } from '../../shared/entries'
import { MAX_REACTION_EMOJIS, MAX_REACTION_TARGETS } from '../../shared/limits'
import type { ReactionSummary } from '../../shared/types'

// Reactions of one room. Each is an entry in its reactor's own core ('react', see
// src/shared/entries.ts), so they replicate, survive restarts and reach late joiners
// like any message. A reactor's newest entry per (target, emoji) says whether it is on:
// toggling appends another, and one member counts at most once per emoji.
//
// Whoever has the room key can write reactions to anything, so memory is bounded:
// at most MAX_REACTION_EMOJIS emojis per entry, reactors per emoji are writers of the
// room (bounded by the room), and at most MAX_REACTION_TARGETS entries are tracked,
// the least recently touched dropped first.

/** How many reactors a summary names; counts stay exact. */
const MAX_WHO = 50

interface Vote {
  h: number
  on: boolean
}

export interface ReactionEntry {
  h: number
  target: { w: string; seq: number; i: number }
  e: string
  on: boolean
}

export class Reactions {
  /** target id -> emoji -> reactor key -> newest vote. Map order = least recently touched first. */
  private readonly targets = new Map<string, Map<string, Map<string, Vote>>>()

  constructor(private readonly maxTargets = MAX_REACTION_TARGETS) {}

  /** Applies one reaction entry; returns the target id when what it shows changed. */
  apply(reactor: string, r: ReactionEntry): string | null {
    const id = entryId(r.target.w, r.target.seq, r.target.i)
    let byEmoji = this.targets.get(id)
    if (byEmoji) this.targets.delete(id)
    else byEmoji = new Map()
    this.targets.set(id, byEmoji) // most recently touched last
    let votes = byEmoji.get(r.e)
    if (!votes) {
      if (byEmoji.size >= MAX_REACTION_EMOJIS) return null
      votes = new Map()
      byEmoji.set(r.e, votes)
    }
    const prev = votes.get(reactor)
    // Blocks can be read in any order (newest first on catch-up): the newest h wins.
    if (prev && prev.h >= r.h) return null
    votes.set(reactor, { h: r.h, on: r.on })
    this.evict()
    return (prev?.on ?? false) !== r.on ? id : null
  }

  private evict(): void {
    while (this.targets.size > this.maxTargets) {
      const oldest = this.targets.keys().next().value as string
      this.targets.delete(oldest)
    }
  }

  /** True when `member` currently reacts to `id` with `emoji`. */
  has(id: string, emoji: string, member: string): boolean {
    return this.targets.get(id)?.get(emoji)?.get(member)?.on === true
  }

  /** What an entry shows: per emoji, in the order first used, only those with someone on. */
  summary(id: string, own: string, nameOf: (key: string) => string): ReactionSummary[] {
    const byEmoji = this.targets.get(id)
    if (!byEmoji) return []
    const out: ReactionSummary[] = []
    for (const [emoji, votes] of byEmoji) {
      const on = [...votes].filter(([, v]) => v.on).map(([key]) => key)
      if (!on.length) continue
      out.push({
        emoji,
        count: on.length,
        mine: on.includes(own),
        who: on.slice(0, MAX_WHO).map((key) => ({ key, name: nameOf(key) })),
      })
    }
    return out
  }

  get size(): number {
    return this.targets.size
  }
}

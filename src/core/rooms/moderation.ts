import { MAX_WRITERS_PER_ROOM } from '../../shared/limits'
import { fingerprint } from '../../shared/roomkey'
import type { RoomState } from './room'
import type { Writer } from './timeline'

// Mute and block, local to each member (subjective moderation, as in Cabal). Muting hides
// a member's entries here and stops automatic downloads of their files; blocking also stops
// following their writer core (nothing of theirs is stored or served by us any more) and
// closes their room channel on any connection. Both are kept in config.json per room and
// undone with ~unmute / ~unblock. Keys, never names, are what is kept.

export type Moderation = 'mute' | 'block'

export class ModerationList {
  constructor(private readonly state: RoomState) {}

  muted(key: string): boolean {
    return !!this.state.muted?.includes(key) || this.blocked(key)
  }

  blocked(key: string): boolean {
    return !!this.state.blocked?.includes(key)
  }

  /** Adds or removes a key; false if it was already so. */
  set(kind: Moderation, key: string, on: boolean): boolean {
    const list = kind === 'mute' ? (this.state.muted ??= []) : (this.state.blocked ??= [])
    const at = list.indexOf(key)
    if (on === at >= 0) return false
    if (on && list.length >= MAX_WRITERS_PER_ROOM)
      throw new Error(`At most ${MAX_WRITERS_PER_ROOM} members can be muted or blocked in a room.`)
    if (on) list.push(key)
    else list.splice(at, 1)
    return true
  }
}

/**
 * The member a ~mute/~block argument names: a display name (case-insensitive, exact) or
 * a fingerprint. A name two members share is refused with their fingerprints, so the
 * wrong one is never silenced.
 */
export function findMember(writers: Iterable<Writer>, who: string): Writer {
  const want = who.trim().replace(/^@/u, '').toLowerCase()
  const candidates = [...writers].filter((w) => !w.own && w.seen)
  const byPrint = candidates.filter((w) => fingerprint(w.key).toLowerCase() === want)
  if (byPrint.length === 1) return byPrint[0]
  const byName = candidates.filter((w) => (w.name || 'Anonymous').toLowerCase() === want)
  if (byName.length === 1) return byName[0]
  if (byName.length > 1)
    throw new Error(
      `More than one member is called “${who}”: use a fingerprint (${byName
        .map((w) => fingerprint(w.key))
        .join(', ')}).`,
    )
  throw new Error(`No member here is called “${who}” (see ~peers for names and fingerprints).`)
}

import type { Member } from '../../shared/types'
import { fingerprint } from '../../shared/roomkey'

// Members who copy another member's name or avatar are marked, so that nobody can pass as
// someone else: of two members with the same name (compared case- and width-folded), the
// one seen in the room first keeps it unmarked and the other shows "same name as
// ‹fingerprint›"; the same for an avatar with the same bytes (hash).

export function markLookalikes(members: Array<Member & { since: number }>): void {
  const firstBy = (pick: (m: Member) => string | null) => {
    const first = new Map<string, Member & { since: number }>()
    for (const m of members) {
      const k = pick(m)
      if (!k) continue
      const held = first.get(k)
      if (!held || m.since < held.since || (m.since === held.since && m.key < held.key))
        first.set(k, m)
    }
    return first
  }
  const fold = (m: Member) => m.name.normalize('NFKC').toLowerCase()
  const names = firstBy((m) => (m.name === 'Anonymous' ? null : fold(m)))
  const avatars = firstBy((m) => m.avatar?.hash ?? null)
  for (const m of members) {
    const name = m.name === 'Anonymous' ? undefined : names.get(fold(m))
    if (name && name.key !== m.key) m.sameNameAs = fingerprint(name.key)
    const avatar = m.avatar ? avatars.get(m.avatar.hash) : undefined
    if (avatar && avatar.key !== m.key) m.sameAvatarAs = fingerprint(avatar.key)
  }
}

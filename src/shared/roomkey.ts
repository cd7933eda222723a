// A room key is 32 random bytes shown as 64 hex characters; invites may also be
// written as linkup://<key>.
const HEX_KEY = /^[0-9a-f]{64}$/u

export function parseRoomKey(input: string): { key: string } | { error: string } {
  const trimmed = input.trim().toLowerCase()
  const bare = trimmed.startsWith('linkup://')
    ? trimmed.slice('linkup://'.length).replace(/\/+$/u, '')
    : trimmed
  if (!HEX_KEY.test(bare)) {
    return { error: 'A room key is 64 hex characters (0-9, a-f), or a linkup://<key> link.' }
  }
  return { key: bare }
}

export function inviteLink(key: string): string {
  return `linkup://${key}`
}

/** Short, stable fingerprint of a member key, so two members with one name stay apart. */
export function fingerprint(key: string): string {
  return key.slice(0, 4) + '…' + key.slice(-4)
}

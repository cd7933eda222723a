import type { Member } from '../../shared/types'

// @mentions in the composer: the word being typed after '@', the members it may mean,
// and which picked members are still mentioned in the text when it is sent. A mention
// is sent as the member's key: the name in the text is for people only.

const MAX_SUGGESTIONS = 6

/** The '@word' that ends at the caret, or null. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret)
  const m = /(^|\s)@([^\s@]{0,32})$/u.exec(before)
  if (!m) return null
  return { start: before.length - m[2].length - 1, query: m[2] }
}

export function mentionSuggestions(members: Member[], query: string): Member[] {
  const q = query.toLowerCase()
  return members
    .filter((m) => !m.own && m.name.toLowerCase().startsWith(q))
    .slice(0, MAX_SUGGESTIONS)
}

/** Replaces the '@word' at `start` with '@Name ' and returns the text and new caret. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name} `
  return {
    text: text.slice(0, start) + inserted + text.slice(caret),
    caret: start + inserted.length,
  }
}

/** Keys of picked members whose '@Name' is still in the text. */
export function mentionedKeys(text: string, picked: Map<string, string>): string[] {
  const keys: string[] = []
  for (const [key, name] of picked) if (text.includes(`@${name}`)) keys.push(key)
  return keys
}

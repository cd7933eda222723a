// How text becomes search terms, and how a hit is shown.

const EXCERPT_CHARS = 80
const NON_ASCII = /[^\u0000-\u007f]/u
const COMBINING_MARKS = /[\u0300-\u036f]/gu
const WORD_BREAK = /[^\p{L}\p{N}]+/u

/**
 * Words of a text or query: lower case, accents folded (café finds cafe), split at
 * anything not a letter or digit. FlexSearch's default encoder does the same and more
 * (it folds doubled letters, splits digits in threes, caches terms on a timer), and was
 * half the build time; the fold is skipped for plain ASCII, where it changes nothing.
 * FlexSearch drops repeated words itself.
 */
export function words(text: string): string[] {
  let s = text.toLowerCase()
  if (NON_ASCII.test(s)) s = s.normalize('NFKD').replace(COMBINING_MARKS, '')
  return s.split(WORD_BREAK).filter(Boolean)
}

/** A plain one-line excerpt of `text` around the first of `terms`. */
export function excerpt(text: string, terms: string[]): string {
  const plain = text.replace(/\s+/gu, ' ').trim()
  const lower = plain.toLowerCase()
  let at = -1
  for (const term of terms) {
    const found = lower.indexOf(term.toLowerCase())
    if (found >= 0 && (at < 0 || found < at)) at = found
  }
  if (plain.length <= EXCERPT_CHARS * 2) return plain
  const start = Math.max(0, at - EXCERPT_CHARS)
  const end = Math.min(plain.length, Math.max(at, 0) + EXCERPT_CHARS)
  return `${start > 0 ? '…' : ''}${plain.slice(start, end)}${end < plain.length ? '…' : ''}`
}

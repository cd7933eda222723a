import { MAX_NAME_CHARS, MIN_NAME_CHARS } from './limits'

// C0/C1 controls, the bidi controls that let a name reorder the text around it, and the
// zero-width and invisible characters that let two names look alike (or empty).
const CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]/gu

/** Normalises a display name, or returns an error message saying why it cannot be one. */
export function cleanName(input: unknown): { name: string } | { error: string } {
  if (typeof input !== 'string') return { error: 'A name must be text.' }
  const name = input.normalize('NFC').replace(CONTROL, '').replace(/\s+/gu, ' ').trim()
  const chars = [...name].length
  if (chars < MIN_NAME_CHARS) return { error: 'A name needs at least one visible character.' }
  if (chars > MAX_NAME_CHARS) return { error: `A name has at most ${MAX_NAME_CHARS} characters.` }
  return { name }
}

/**
 * A name another member gave itself, as shown here: cleaned by the same rule as one's own,
 * cut to MAX_NAME_CHARS; '' when nothing visible is left (shown as 'Anonymous').
 */
export function peerName(input: unknown): string {
  if (typeof input !== 'string') return ''
  const name = input
    .slice(0, 1024)
    .normalize('NFC')
    .replace(CONTROL, '')
    .replace(/\s+/gu, ' ')
    .trim()
  const chars = [...name]
  return chars.length > MAX_NAME_CHARS ? chars.slice(0, MAX_NAME_CHARS).join('').trim() : name
}

/** Display form of a file name from a peer: never a path, never control characters. */
export function displayFileName(input: string): string {
  const cleaned = input
    .normalize('NFC')
    .replace(CONTROL, '')
    .replace(/[\\/]/gu, '_')
    .replace(/^\.+/u, '_')
    .trim()
  const chars = [...cleaned]
  return (chars.length > 120 ? chars.slice(0, 120).join('') + '…' : cleaned) || 'file'
}

import { MAX_NAME_CHARS, MIN_NAME_CHARS } from './limits'

// C0/C1 controls, and the bidi controls that let a name reorder the text around it.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

/** Normalises a display name, or returns an error message saying why it cannot be one. */
export function cleanName(input: unknown): { name: string } | { error: string } {
  if (typeof input !== 'string') return { error: 'A name must be text.' }
  const name = input.normalize('NFC').replace(CONTROL, '').replace(/\s+/gu, ' ').trim()
  const chars = [...name].length
  if (chars < MIN_NAME_CHARS) return { error: 'A name needs at least one visible character.' }
  if (chars > MAX_NAME_CHARS) return { error: `A name has at most ${MAX_NAME_CHARS} characters.` }
  return { name }
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

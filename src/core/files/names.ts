import path from 'node:path'
import { displayFileName } from '../../shared/names'

// A peer's file name is a display name, never a path. safeTarget turns it into one
// plain name inside a folder the user chose: separators, dot-dot, NUL, control and
// bidi characters cannot survive it, and a final containment check makes sure the
// result sits directly in that folder whatever the name was.

/** Bytes most file systems allow in one name, with room for a " (12)" suffix. */
const MAX_NAME_BYTES = 200
// Characters Windows refuses in names; harmless to replace everywhere.
const RESERVED_CHARS = /[<>:"|?*]/gu
// Device names Windows maps to devices whatever the extension.
const RESERVED_NAMES = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/iu

/** A peer's file name that cannot be placed in the chosen folder. */
export class FileNameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FileNameError'
  }
}

/** A plain file name safe on Linux, macOS and Windows, derived from a peer's name. */
export function safeFileName(displayName: string): string {
  let name = displayFileName(typeof displayName === 'string' ? displayName : '')
    .replace(RESERVED_CHARS, '_')
    .replace(/[. ]+$/u, '')
  if (RESERVED_NAMES.test(name)) name = `_${name}`
  name = clampBytes(name, MAX_NAME_BYTES)
  if (!name || name === '.' || name === '..') name = 'file'
  return name
}

/** Path of `displayName` inside `folder`; throws if it would land anywhere else. */
export function safeTarget(folder: string, displayName: string): string {
  const dir = path.resolve(folder)
  const target = path.resolve(dir, safeFileName(displayName))
  if (path.dirname(target) !== dir || path.basename(target) !== path.relative(dir, target)) {
    throw new FileNameError('That file name cannot be saved in the chosen folder.')
  }
  return target
}

/** The same name with " (n)" before the extension, for a name that is taken. */
export function numberedName(name: string, n: number): string {
  const ext = path.extname(name)
  const stem = ext && ext !== name ? name.slice(0, -ext.length) : name
  return `${stem} (${n})${ext && ext !== name ? ext : ''}`
}

/** Cuts a name to at most `max` UTF-8 bytes, keeping its extension when it has a short one. */
function clampBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name
  const ext = path.extname(name)
  const keep = ext.length > 1 && Buffer.byteLength(ext) <= 16 ? ext : ''
  const budget = max - Buffer.byteLength(keep)
  let stem = ''
  for (const ch of name.slice(0, name.length - keep.length)) {
    if (Buffer.byteLength(stem + ch) > budget) break
    stem += ch
  }
  return stem + keep
}

import path from 'node:path'
import { APP_HOST, APP_SCHEME } from './security'
import { contentTypeForExtension } from '../shared/content-types'

// Maps an app:// request URL to a file inside the renderer folder, or refuses it. Pure
// (string in, string out) so the containment rule is tested against every trick:
// ../, encoded dots and slashes, backslashes, absolute and drive-letter paths.

type PathApi = Pick<typeof path, 'resolve' | 'relative' | 'isAbsolute' | 'sep'>

/**
 * The absolute file path for `url` under `root`, or null when the URL is not ours or
 * would resolve outside `root`. `pathApi` exists so tests can check Windows rules too.
 */
export function resolveAppPath(root: string, url: string, pathApi: PathApi = path): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host.toLowerCase() !== APP_HOST) return null
  if (parsed.username || parsed.password || parsed.port) return null

  // An encoded slash or backslash is never part of a real file name here: refuse it
  // rather than reason about what it turns into after decoding.
  if (/%2f|%5c/i.test(parsed.pathname)) return null
  let decoded: string
  try {
    decoded = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  // A backslash, a NUL or a colon never appears in the renderer's file names; on Windows
  // they would be separators, string ends or drive letters.
  if (/[\\\0:]/.test(decoded)) return null
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.some((s) => s === '..')) return null
  if (segments.length === 0) segments.push('index.html')

  const absoluteRoot = pathApi.resolve(root)
  const file = pathApi.resolve(absoluteRoot, ...segments)
  const relative = pathApi.relative(absoluteRoot, file)
  if (relative === '' || relative.startsWith('..') || pathApi.isAbsolute(relative)) return null
  return file
}

/** The Content-Type for a renderer file; unknown kinds are served as opaque bytes. */
export function contentTypeFor(file: string): string {
  return contentTypeForExtension(path.extname(file))
}

/** True when `file` is `root` itself or below it (both already absolute and resolved). */
export function isInside(root: string, file: string, pathApi: PathApi = path): boolean {
  const relative = pathApi.relative(root, file)
  return relative === '' || (!relative.startsWith('..') && !pathApi.isAbsolute(relative))
}

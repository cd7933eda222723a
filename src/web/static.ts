import fs from 'node:fs/promises'
import path from 'node:path'
import { contentTypeForExtension } from '../shared/content-types'

// Serves the built renderer and nothing else: a request path is resolved inside the
// renderer folder (after following symlinks) or refused.

export interface StaticFile {
  body: Buffer
  type: string
}

/**
 * The file a URL path names inside `root`, or null when it does not exist or would
 * lie outside it (`..`, encoded separators, NUL bytes, symlinks pointing out).
 */
export async function resolveStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/u, '')
  const realRoot = await fs.realpath(root)
  const candidate = path.resolve(realRoot, relative)
  if (!inside(realRoot, candidate)) return null
  let real: string
  try {
    real = await fs.realpath(candidate)
    if (!inside(realRoot, real) || !(await fs.stat(real)).isFile()) return null
  } catch {
    return null
  }
  const type = contentTypeForExtension(path.extname(real))
  return { body: await fs.readFile(real), type }
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)
}

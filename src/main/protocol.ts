import fs from 'node:fs/promises'
import { Readable } from 'node:stream'
import { protocol } from 'electron'
import { openMedia, parseMediaPath, type MediaEngine } from '../core/files/media'
import { contentTypeFor, isInside, resolveAppPath } from './app-path'
import { APP_HOST, APP_SCHEME, APP_SCHEME_PRIVILEGES, SECURITY_HEADERS } from './security'

// app:// serves the built renderer (dist/renderer), and under /media/ and /avatar/ the
// verified bytes of shared files (src/core/media.ts decides what may show inline).

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
}

export function serveRenderer(root: string, media: () => MediaEngine | null): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return plain(405, 'Method not allowed')
    const mediaResponse = await serveMedia(request, media())
    if (mediaResponse) return mediaResponse
    const file = resolveAppPath(root, request.url)
    if (!file) return plain(403, 'Forbidden')
    try {
      // A symlink inside the folder must not lead out of it either.
      const [realRoot, realFile] = await Promise.all([fs.realpath(root), fs.realpath(file)])
      if (!isInside(realRoot, realFile)) return plain(403, 'Forbidden')
      const data = await fs.readFile(realFile)
      const headers = { ...SECURITY_HEADERS, 'Content-Type': contentTypeFor(realFile) }
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(data), {
        status: 200,
        headers,
      })
    } catch {
      return plain(404, 'Not found')
    }
  })
}

/** A Response for /media/ and /avatar/ URLs, or null for everything else. */
async function serveMedia(request: Request, engine: MediaEngine | null): Promise<Response | null> {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return null
  }
  if (!/^\/(media|avatar)\//u.test(url.pathname)) return null
  const req = parseMediaPath(url.pathname)
  if (!req || !engine || url.host.toLowerCase() !== APP_HOST) return plain(404, 'Not found')
  const found = await openMedia(engine, req, { download: url.searchParams.get('download') === '1' })
  if (!found) return plain(404, 'Not found')
  if (request.method === 'HEAD') {
    found.body.destroy()
    return new Response(null, { status: 200, headers: { ...SECURITY_HEADERS, ...found.headers } })
  }
  const body = Readable.toWeb(found.body) as unknown as ReadableStream<Uint8Array>
  return new Response(body, { status: 200, headers: { ...SECURITY_HEADERS, ...found.headers } })
}

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  })
}

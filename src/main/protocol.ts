import fs from 'node:fs/promises'
import { protocol } from 'electron'
import { contentTypeFor, isInside, resolveAppPath } from './app-path'
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, SECURITY_HEADERS } from './security'

// app:// serves the built renderer (dist/renderer) and nothing else.

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
}

export function serveRenderer(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return plain(405, 'Method not allowed')
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

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  })
}

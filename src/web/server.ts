import { randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { pipeline } from 'node:stream/promises'
import { WebSocketServer, type WebSocket } from 'ws'
import { openMedia, parseMediaPath } from '../core/files/media'
import { Uploads } from '../core/files/uploads'
import { eventNames, type CommandName, type Reply } from '../shared/ipc'
import { commandSchemas, IpcArgumentError, parseArgs } from '../shared/ipc-schemas'
import { securityHeaders } from './csp'
import type { Engine } from '../core/handlers'
import { engineHandlers, type Handlers } from './handlers'
import { resolveStatic } from './static'

// The browser shell: the built renderer over HTTP and the LinkupApi contract over a
// WebSocket, on 127.0.0.1 only. The WebSocket is the engine's whole API, so it demands
// the random token from the printed URL, an Origin of this server, and a Host header
// naming it (a DNS-rebinding page would send its own name). Every request is validated
// with parseArgs before it reaches the engine.

const HOST = '127.0.0.1'
const WS_PATH = '/ws'
/** A request is a command name and small arguments; a message is at most 64 KiB of text. */
const MAX_FRAME_BYTES = 1024 * 1024
/** A page that stops reading events is cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url))

export interface WebShellOptions {
  node: Engine
  /** 0 or absent: a random free port. */
  port?: number
  /** The built renderer (vite build); defaults to dist/renderer. */
  rendererDir?: string
  /** Fixed token for tests; normally 32 random bytes. */
  token?: string
}

export interface WebShell {
  /** The address to open, token included. */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const rendererDir = path.resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR)
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`No built renderer in ${rendererDir}: run \`npm run build:renderer\` first.`)
  }
  const token = opts.token ?? randomBytes(32).toString('hex')
  const uploads = new Uploads(opts.node)
  let port = 0
  const mediaUrl = (p: string, o: { download?: boolean; version?: string } = {}) => {
    const q = new URLSearchParams({ token })
    if (o.download) q.set('download', '1')
    if (o.version) q.set('v', o.version.slice(0, 16))
    // Relative: it resolves against whichever of our two host names the page uses.
    return `${p}?${q}`
  }
  const handlers = engineHandlers(opts.node, uploads, mediaUrl)
  const sockets = new Set<WebSocket>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })

  const server = http.createServer((req, res) => {
    const headers = securityHeaders(port)
    const fail = (status: number, text: string) => {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(text)
    }
    if (!hostAllowed(req.headers.host, port)) return fail(421, 'Unknown host')
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'Method not allowed')
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    const { pathname } = url
    if (pathname === WS_PATH) return fail(426, 'WebSocket only')
    const media = parseMediaPath(pathname)
    if (media || pathname.startsWith('/media/') || pathname.startsWith('/avatar/')) {
      // File bytes are the engine's data: the page's token is required, as on the socket.
      if (!tokenMatches(url.searchParams.get('token'), token)) return fail(401, 'Unauthorized')
      if (!media) return fail(404, 'Not found')
      const download = url.searchParams.get('download') === '1'
      return void openMedia(opts.node, media, { download })
        .then(async (found) => {
          if (!found) return fail(404, 'Not found')
          res.writeHead(200, {
            ...headers,
            ...found.headers,
            'Referrer-Policy': 'no-referrer',
          })
          if (req.method === 'HEAD') {
            found.body.destroy()
            return void res.end()
          }
          await pipeline(found.body, res)
        })
        .catch(() => (res.headersSent ? res.destroy() : fail(500, 'Internal error')))
    }
    resolveStatic(rendererDir, pathname)
      .then((file) => {
        if (!file) return fail(404, 'Not found')
        res.writeHead(200, {
          ...headers,
          'Content-Type': file.type,
          'Content-Length': file.body.length,
          'Cache-Control': 'no-cache',
        })
        res.end(req.method === 'HEAD' ? undefined : file.body)
      })
      .catch(() => fail(500, 'Internal error'))
  })

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    if (url.pathname !== WS_PATH) return refuse('404 Not Found')
    if (!hostAllowed(req.headers.host, port)) return refuse('421 Misdirected Request')
    if (!originAllowed(req.headers.origin, port)) return refuse('403 Forbidden')
    if (!tokenMatches(url.searchParams.get('token'), token)) return refuse('401 Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws))
  })

  const serve = (ws: WebSocket) => {
    sockets.add(ws)
    const send = (frame: unknown) => {
      if (ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.terminate()
      ws.send(JSON.stringify(frame))
    }
    const listeners = eventNames.map((event) => {
      const cb = (payload: unknown) => send({ event, payload })
      opts.node.on(event, cb as never)
      return () => opts.node.off(event, cb as never)
    })
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      void handle(handlers, data.toString()).then((out) => out && send(out))
    })
    ws.on('error', () => ws.terminate())
    ws.on('close', () => {
      sockets.delete(ws)
      for (const off of listeners) off()
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port

  let closing: Promise<void> | null = null
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate()
        void uploads.close()
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

/** Runs one request frame; returns the reply frame, or null for frames with no id. */
export async function handle(
  handlers: Handlers,
  raw: string,
): Promise<{ id: number; reply: Reply<unknown> } | null> {
  let msg: unknown
  try {
    msg = JSON.parse(raw)
  } catch {
    return null
  }
  if (!msg || typeof msg !== 'object') return null
  const { id, command, args } = msg as { id?: unknown; command?: unknown; args?: unknown }
  if (!Number.isSafeInteger(id)) return null
  try {
    if (typeof command !== 'string' || !Object.hasOwn(commandSchemas, command)) {
      throw new IpcArgumentError(`Unknown command ${String(command).slice(0, 64)}`)
    }
    const name = command as CommandName
    const parsed = parseArgs(name, args) as unknown[]
    const value = await (handlers[name] as (...a: unknown[]) => Promise<unknown>)(...parsed)
    return { id: id as number, reply: { ok: true, value } }
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err)
    return { id: id as number, reply: { ok: false, error } }
  }
}

function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `${HOST}:${port}` || host === `localhost:${port}`
}

function originAllowed(origin: string | undefined, port: number): boolean {
  return origin === `http://${HOST}:${port}` || origin === `http://localhost:${port}`
}

function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

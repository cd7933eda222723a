import {
  apiCommands,
  type CommandName,
  type EventName,
  type LinkupApi,
  type Reply,
} from '../shared/ipc'
import type { EngineEvents } from '../shared/types'
import { safeLink } from './links'

// window.linkup for the browser shell (src/web): the same LinkupApi contract as the
// Electron preload, carried over one WebSocket. Requests are {id, command, args} and
// answered by {id, reply}; engine events arrive as {event, payload}. The token from the
// page URL proves to the shell that this page is the one it printed the link for.

export type ShellStatus = 'connecting' | 'open' | 'closed'

export interface WebClient {
  api: LinkupApi
  status(): ShellStatus
  /** Called on every status change; returns the unsubscribe. */
  onStatus(cb: (status: ShellStatus) => void): () => void
  close(): void
}

interface Pending {
  resolve: (value: unknown) => void
  reject: (err: Error) => void
}

const RETRY_MIN_MS = 250
const RETRY_MAX_MS = 4000

export function createWebClient(url: string): WebClient {
  let socket: WebSocket | null = null
  let state: ShellStatus = 'connecting'
  let nextId = 1
  let retryMs = RETRY_MIN_MS
  let closed = false
  const pending = new Map<number, Pending>()
  const queue: string[] = []
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const statusListeners = new Set<(status: ShellStatus) => void>()

  const setStatus = (next: ShellStatus) => {
    if (next === state) return
    state = next
    for (const cb of statusListeners) cb(next)
  }

  const connect = () => {
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => {
      retryMs = RETRY_MIN_MS
      setStatus('open')
      for (const frame of queue.splice(0)) ws.send(frame)
    }
    ws.onmessage = (ev) => onFrame(ev.data)
    ws.onclose = () => {
      socket = null
      // Requests in flight on a dead socket will never be answered.
      for (const [id, p] of pending) {
        pending.delete(id)
        p.reject(new Error('Lost the connection to the LinkUp engine.'))
      }
      if (closed) return
      setStatus('closed')
      setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS)
    }
  }

  const onFrame = (data: unknown) => {
    if (typeof data !== 'string') return
    let msg: any
    try {
      msg = JSON.parse(data)
    } catch {
      return
    }
    if (typeof msg?.id === 'number') {
      const p = pending.get(msg.id)
      if (!p) return
      pending.delete(msg.id)
      const reply = msg.reply as Reply<unknown>
      if (reply?.ok) p.resolve(reply.value)
      else p.reject(new Error(reply?.error || 'The engine gave no answer.'))
    } else if (typeof msg?.event === 'string') {
      for (const cb of listeners.get(msg.event) ?? []) {
        try {
          cb(msg.payload)
        } catch (err) {
          console.error(err)
        }
      }
    }
  }

  const invoke = (command: CommandName, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      const frame = JSON.stringify({ id, command, args })
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(frame)
      else queue.push(frame)
    })

  const api = {} as Record<string, unknown>
  for (const [method, command] of Object.entries(apiCommands)) {
    api[method] = (...args: unknown[]) => invoke(command, args)
  }
  // In a browser the page already is the "system browser": open links in a new tab
  // here instead of asking the engine host, which may have no display at all.
  api.openLink = async ({ url: link }: { url: string }) => {
    const parsed = safeLink(link)
    if (!parsed) return false
    window.open(parsed.href, '_blank', 'noopener,noreferrer')
    return true
  }
  api.on = <E extends EventName>(event: E, cb: (payload: EngineEvents[E]) => void) => {
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    const wrapped = cb as (payload: unknown) => void
    set.add(wrapped)
    return () => {
      set.delete(wrapped)
    }
  }

  connect()
  return {
    api: api as unknown as LinkupApi,
    status: () => state,
    onStatus(cb) {
      statusListeners.add(cb)
      return () => {
        statusListeners.delete(cb)
      }
    },
    close() {
      closed = true
      socket?.close()
    },
  }
}

/** The WebSocket address of the shell that served this page, with the page's token. */
export function shellSocketUrl(loc: Location): string | null {
  const token = new URLSearchParams(loc.search).get('token')
  if (!token) return null
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${loc.host}/ws?token=${encodeURIComponent(token)}`
}

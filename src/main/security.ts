import type { BrowserWindowConstructorOptions, CustomScheme, WebPreferences } from 'electron'

// The security settings of every window, the CSP and the small decisions the Electron
// glue makes (which sender, which URL, which permission). Kept free of runtime electron
// imports so the unit tests check exactly what the windows get.

export const APP_SCHEME = 'app'
export const APP_HOST = 'linkup'
/** Where the renderer lives; window.location of every window we open starts with it. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** app:// behaves like https: a standard, secure origin that can fetch its own files. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
}

/**
 * No remote anything, no inline script, no eval. Voice notes play from blob: URLs and
 * avatars show as blob:/data: images; everything else comes from the app folder.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers every response the renderer loads carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
}

export function secureWebPreferences(preload: string, devTools: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // Chromium downloads spell-check dictionaries from Google; a private chat app should not.
    spellcheck: false,
    devTools,
  }
}

export interface WindowBounds {
  x?: number
  y?: number
  width: number
  height: number
}

export const MIN_WINDOW_WIDTH = 640
export const MIN_WINDOW_HEIGHT = 420

/** Options for every BrowserWindow LinkUp opens; src/main/window.ts is the only caller. */
export function windowOptions(input: {
  preload: string
  devTools: boolean
  bounds: WindowBounds
  icon?: string
}): BrowserWindowConstructorOptions {
  return {
    ...input.bounds,
    minWidth: MIN_WINDOW_WIDTH,
    minHeight: MIN_WINDOW_HEIGHT,
    show: false,
    title: 'LinkUp',
    backgroundColor: '#1b1f24',
    ...(input.icon ? { icon: input.icon } : {}),
    webPreferences: secureWebPreferences(input.preload, input.devTools),
  }
}

/** True for URLs of our own renderer (app://linkup/...), and nothing else. */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url)
  // Chromium lowercases the host of a standard scheme; Node keeps it as written.
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host.toLowerCase() === APP_HOST
  )
}

/** The parts of an IPC event the sender check reads (IpcMainInvokeEvent has them). */
export interface IpcSender {
  senderFrame: { url: string; parent: unknown; detached: boolean; isDestroyed(): boolean } | null
  sender: { id: number }
}

/**
 * Only the top frame of one of our windows, showing our own app:// page, may call in:
 * not a subframe, not a frame that navigated away or went, not another WebContents.
 */
export function isTrustedSender(
  event: IpcSender,
  isOurWindow: (contentsId: number) => boolean,
): boolean {
  const frame = event.senderFrame
  if (!frame || frame.isDestroyed() || frame.detached || frame.parent !== null) return false
  return isAppUrl(frame.url) && isOurWindow(event.sender.id)
}

/**
 * The URL to hand to the system browser, or null: only http(s) URLs that parse, with no
 * credentials in them (they hide where a link really goes).
 */
export function externalUrl(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > 4096) return null
  const parsed = parseUrl(url)
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return null
  if (parsed.username || parsed.password || !parsed.hostname) return null
  return parsed.href
}

/**
 * The one permission granted: the microphone, for voice notes, to our own pages. Camera,
 * screen, notifications (main shows those), clipboard, geolocation and the rest are denied.
 */
export function isPermissionAllowed(
  permission: string,
  details: { origin?: string; mediaTypes?: readonly string[] },
): boolean {
  if (permission !== 'media') return false
  if (!details.origin || !isAppUrl(details.origin)) return false
  const types = details.mediaTypes ?? []
  return types.length > 0 && types.every((t) => t === 'audio')
}

// Schemes the renderer's session may request. devtools/chrome-extension serve DevTools
// in development; data:/blob: are local. Anything that would leave the machine is not here.
const REQUEST_PROTOCOLS = new Set([
  `${APP_SCHEME}:`,
  'blob:',
  'data:',
  'devtools:',
  'chrome-extension:',
])

export function isRequestAllowed(url: string): boolean {
  const parsed = parseUrl(url)
  return parsed !== null && REQUEST_PROTOCOLS.has(parsed.protocol)
}

/** Response headers with ours set, replacing any same-named header whatever its case. */
export function withSecurityHeaders(
  headers: Readonly<Record<string, string | string[]>> | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  const ours = new Set(Object.keys(SECURITY_HEADERS).map((k) => k.toLowerCase()))
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!ours.has(name.toLowerCase())) out[name] = Array.isArray(value) ? [...value] : [value]
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) out[name] = [value]
  return out
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

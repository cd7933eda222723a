import { app, shell, type Session, type WebContents } from 'electron'
import {
  externalUrl,
  isAppUrl,
  isPermissionAllowed,
  isRequestAllowed,
  withSecurityHeaders,
} from './security'

// Session-wide rules: the CSP on every app:// response, no requests off the machine,
// the microphone as the only permission, no downloads, no navigation, no new windows.

export function hardenSession(ses: Session): void {
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isRequestAllowed(details.url) })
  })
  ses.webRequest.onHeadersReceived((details, callback) => {
    // DevTools pages need their own policy; ours goes on everything the app serves.
    if (!isAppUrl(details.url)) return callback({})
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders) })
  })

  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined
    callback(isPermissionAllowed(permission, { origin: details.requestingUrl, mediaTypes }))
  })
  ses.setPermissionCheckHandler((_contents, permission, origin, details) => {
    const mediaTypes = details.mediaType ? [details.mediaType] : undefined
    return isPermissionAllowed(permission, { origin, mediaTypes })
  })
  ses.setDevicePermissionHandler(() => false)

  // Extension point: saving a shared file goes through an engine command with a save
  // dialog in main, not through the browser's download manager.
  ses.on('will-download', (event) => event.preventDefault())
}

/** Applies to every WebContents the app creates, including ones we never asked for. */
export function guardAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents))
}

function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    const href = externalUrl(url)
    if (href) void shell.openExternal(href).catch(() => {})
    return { action: 'deny' }
  })
}

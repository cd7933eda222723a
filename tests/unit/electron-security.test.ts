import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  APP_SCHEME_PRIVILEGES,
  APP_URL,
  CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
  externalUrl,
  isAppUrl,
  isPermissionAllowed,
  isRequestAllowed,
  isTrustedSender,
  secureWebPreferences,
  windowOptions,
  withSecurityHeaders,
} from '../../src/main/security'

const MAIN_DIR = fileURLToPath(new URL('../../src/main', import.meta.url))

test('every window gets exactly the hardened webPreferences', () => {
  for (const devTools of [false, true]) {
    const opts = windowOptions({
      preload: '/app/dist/preload/preload.cjs',
      devTools,
      bounds: { width: 900, height: 600 },
    })
    assert.deepEqual(opts.webPreferences, {
      preload: '/app/dist/preload/preload.cjs',
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
      spellcheck: false,
      devTools,
    })
    assert.deepEqual(
      opts.webPreferences,
      secureWebPreferences('/app/dist/preload/preload.cjs', devTools),
    )
    assert.equal(opts.show, false, 'shown only once ready, so no blank flash')
  }
})

test('windows are created only in window.ts, only from windowOptions()', () => {
  const files = fs
    .readdirSync(MAIN_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
  const creators: string[] = []
  for (const file of files) {
    const source = fs.readFileSync(path.join(MAIN_DIR, file), 'utf8')
    const calls =
      source.match(/new\s+(BrowserWindow|BaseWindow|WebContentsView|BrowserView)\s*\(([^)]*)/g) ??
      []
    if (calls.length > 0) creators.push(file)
    for (const call of calls) assert.match(call, /\(\s*windowOptions\(/, `${file}: ${call}`)
    if (file !== 'security.ts') {
      assert.doesNotMatch(
        source,
        /webPreferences|nodeIntegration|contextIsolation|sandbox:/,
        `${file} sets web preferences`,
      )
    }
  }
  assert.deepEqual(creators, ['window.ts'])
})

test('the CSP is exactly the strict policy', () => {
  assert.equal(
    CONTENT_SECURITY_POLICY,
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
      "media-src 'self' blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; " +
      "form-action 'none'; frame-ancestors 'none'",
  )
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe|https?:|ws:|\*/)
  assert.equal(SECURITY_HEADERS['Content-Security-Policy'], CONTENT_SECURITY_POLICY)
})

test('security headers replace whatever a response carried, whatever the case', () => {
  const out = withSecurityHeaders({
    'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
    'Content-Type': 'text/html',
  })
  assert.deepEqual(out, {
    'Content-Type': ['text/html'],
    'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    'X-Content-Type-Options': ['nosniff'],
    'Cross-Origin-Opener-Policy': ['same-origin'],
  })
  assert.deepEqual(withSecurityHeaders(undefined)['Content-Security-Policy'], [
    CONTENT_SECURITY_POLICY,
  ])
})

test('app:// is a standard secure scheme that does not bypass the CSP', () => {
  assert.deepEqual(APP_SCHEME_PRIVILEGES, {
    scheme: 'app',
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  })
  assert.equal(APP_URL, 'app://linkup/index.html')
})

test('isAppUrl accepts only our own origin', () => {
  assert.equal(isAppUrl('app://linkup/index.html'), true)
  assert.equal(isAppUrl('app://linkup'), true)
  assert.equal(isAppUrl('APP://LINKUP/x'), true)
  for (const url of [
    'app://evil/index.html',
    'app://linkup.evil/index.html',
    'https://linkup/index.html',
    'file:///index.html',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    '',
    'linkup',
  ]) {
    assert.equal(isAppUrl(url), false, url)
  }
})

test('only parsed http(s) links without credentials go to the system browser', () => {
  assert.equal(externalUrl('https://example.com/a?b=1#c'), 'https://example.com/a?b=1#c')
  assert.equal(externalUrl('http://example.com'), 'http://example.com/')
  assert.equal(externalUrl(' HTTPS://Example.COM/x'), 'https://example.com/x')
  for (const url of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'file:///etc/passwd',
    'app://linkup/index.html',
    'data:text/html,<script>alert(1)</script>',
    'mailto:a@example.com',
    'smb://host/share',
    'https://user:pass@example.com/',
    'https://bank.example@evil.example/',
    'https://',
    '//example.com',
    'example.com',
    'not a url',
    'https://example.com/' + 'a'.repeat(5000),
  ]) {
    assert.equal(externalUrl(url), null, url)
  }
  assert.equal(externalUrl(42), null)
  assert.equal(externalUrl(undefined), null)
})

test('only the microphone is granted, and only to our pages', () => {
  const app = 'app://linkup/index.html'
  assert.equal(isPermissionAllowed('media', { origin: app, mediaTypes: ['audio'] }), true)
  assert.equal(
    isPermissionAllowed('media', { origin: 'app://linkup', mediaTypes: ['audio'] }),
    true,
  )
  assert.equal(isPermissionAllowed('media', { origin: app, mediaTypes: ['audio', 'video'] }), false)
  assert.equal(isPermissionAllowed('media', { origin: app, mediaTypes: ['video'] }), false)
  assert.equal(isPermissionAllowed('media', { origin: app, mediaTypes: ['unknown'] }), false)
  assert.equal(isPermissionAllowed('media', { origin: app, mediaTypes: [] }), false)
  assert.equal(isPermissionAllowed('media', { origin: app }), false)
  assert.equal(
    isPermissionAllowed('media', { origin: 'https://evil.example', mediaTypes: ['audio'] }),
    false,
  )
  assert.equal(isPermissionAllowed('media', { mediaTypes: ['audio'] }), false)
  for (const permission of [
    'notifications',
    'geolocation',
    'clipboard-read',
    'clipboard-sanitized-write',
    'display-capture',
    'openExternal',
    'fullscreen',
    'midi',
    'hid',
    'usb',
    'serial',
    'fileSystem',
    'unknown',
  ]) {
    assert.equal(
      isPermissionAllowed(permission, { origin: app, mediaTypes: ['audio'] }),
      false,
      permission,
    )
  }
})

test('the session may request only local schemes', () => {
  for (const url of [
    'app://linkup/assets/index.js',
    'blob:app://linkup/1234',
    'data:image/png;base64,AA==',
  ]) {
    assert.equal(isRequestAllowed(url), true, url)
  }
  for (const url of [
    'https://example.com/x.js',
    'http://127.0.0.1:8080/',
    'ws://127.0.0.1/',
    'file:///etc/passwd',
    'ftp://x/',
  ]) {
    assert.equal(isRequestAllowed(url), false, url)
  }
})

test('IPC is answered only for the top frame of our window showing our page', () => {
  const top = {
    url: 'app://linkup/index.html',
    parent: null,
    detached: false,
    isDestroyed: () => false,
  }
  const ours = (id: number) => id === 7
  const event = (frame: Partial<typeof top> | null, id = 7) => ({
    senderFrame: frame === null ? null : { ...top, ...frame },
    sender: { id },
  })
  assert.equal(isTrustedSender(event({}), ours), true)
  assert.equal(isTrustedSender(event({ url: 'app://linkup/#/room/abc' }), ours), true)
  assert.equal(isTrustedSender(event({}, 8), ours), false, 'another WebContents')
  assert.equal(isTrustedSender(event(null), ours), false, 'frame gone')
  assert.equal(isTrustedSender(event({ isDestroyed: () => true }), ours), false)
  assert.equal(isTrustedSender(event({ detached: true }), ours), false)
  assert.equal(isTrustedSender(event({ parent: {} as never }), ours), false, 'a subframe')
  for (const url of [
    'https://evil.example/',
    'file:///tmp/x.html',
    'about:blank',
    'app://evil/index.html',
    'data:text/html,x',
  ]) {
    assert.equal(isTrustedSender(event({ url }), ours), false, url)
  }
})

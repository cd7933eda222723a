import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { contentTypeFor, isInside, resolveAppPath } from '../../src/main/app-path'

const ROOT = '/opt/linkup/dist/renderer'
const WIN_ROOT = 'C:\\Program Files\\LinkUp\\resources\\app.asar\\dist\\renderer'

test('app:// URLs map to files inside the renderer folder', () => {
  assert.equal(resolveAppPath(ROOT, 'app://linkup/index.html'), `${ROOT}/index.html`)
  assert.equal(resolveAppPath(ROOT, 'app://linkup/'), `${ROOT}/index.html`)
  assert.equal(resolveAppPath(ROOT, 'app://linkup'), `${ROOT}/index.html`)
  assert.equal(
    resolveAppPath(ROOT, 'app://linkup/assets/index-abc123.js'),
    `${ROOT}/assets/index-abc123.js`,
  )
  assert.equal(
    resolveAppPath(ROOT, 'app://linkup/assets/a%20b.css?v=1#x'),
    `${ROOT}/assets/a b.css`,
  )
  assert.equal(resolveAppPath(ROOT, 'app://linkup/./assets//x.js'), `${ROOT}/assets/x.js`)
  // The URL parser folds literal dot segments that stay inside the folder.
  assert.equal(resolveAppPath(ROOT, 'app://linkup/assets/../index.html'), `${ROOT}/index.html`)
  assert.equal(
    resolveAppPath('dist/renderer', 'app://linkup/index.html'),
    path.resolve('dist/renderer/index.html'),
  )
})

test('paths that leave the folder are refused, however they are spelled', () => {
  const attacks = [
    'app://linkup/../../../etc/passwd',
    'app://linkup/%2e%2e/%2e%2e/etc/passwd',
    'app://linkup/%2E%2E/secret',
    'app://linkup/..%2f..%2fetc%2fpasswd',
    'app://linkup/assets/..%2F..%2F..%2Fetc%2Fpasswd',
    'app://linkup/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://linkup/..%5c..%5cwindows%5cwin.ini',
    'app://linkup/..\\..\\etc\\passwd',
    'app://linkup/assets%5c..%5c..%5csecret',
    'app://linkup/%2fetc%2fpasswd',
    'app://linkup//etc/passwd/..%2f..%2f..%2f..%2f..%2fx',
    'app://linkup/C:/Windows/win.ini',
    'app://linkup/C%3A%5CWindows%5Cwin.ini',
    'app://linkup/index.html%00.png',
    'app://linkup/%E0%A4%A', // malformed percent-encoding
    'app://linkup/..',
    'app://linkup/%2e%2e',
  ]
  for (const url of attacks) {
    const result = resolveAppPath(ROOT, url)
    assert.ok(result === null || isInside(ROOT, result), `${url} -> ${result}`)
    if (/%2f|%5c|\\|%00|C:|C%3A|%E0/i.test(url)) assert.equal(result, null, url)
  }
  // Absolute paths inside the URL stay under the root rather than reaching /etc.
  assert.equal(resolveAppPath(ROOT, 'app://linkup//etc/passwd'), `${ROOT}/etc/passwd`)
})

test('only our scheme and host are served', () => {
  for (const url of [
    'file:///etc/passwd',
    'https://linkup/index.html',
    'app://other/index.html',
    'app://linkup:8080/index.html',
    'app://user@linkup/index.html',
    'not a url',
    '',
  ]) {
    assert.equal(resolveAppPath(ROOT, url), null, url)
  }
})

test('Windows path rules: no drive letters, backslashes or traversal', () => {
  const ok = resolveAppPath(WIN_ROOT, 'app://linkup/assets/index.js', path.win32)
  assert.equal(ok, `${WIN_ROOT}\\assets\\index.js`)
  for (const url of [
    'app://linkup/..%5c..%5c..%5cWindows%5cwin.ini',
    'app://linkup/C:%5cWindows%5cwin.ini',
    'app://linkup/D:/secret.txt',
    'app://linkup/%5c%5cserver%5cshare%5cx',
    'app://linkup/..%2f..%2fsecret',
  ]) {
    assert.equal(resolveAppPath(WIN_ROOT, url, path.win32), null, url)
  }
  assert.equal(
    isInside(WIN_ROOT, 'C:\\Program Files\\LinkUp\\resources\\secret', path.win32),
    false,
  )
  assert.equal(isInside(WIN_ROOT, 'D:\\x', path.win32), false)
})

test('isInside compares whole path segments', () => {
  assert.equal(isInside('/a/b', '/a/b/c'), true)
  assert.equal(isInside('/a/b', '/a/b'), true)
  assert.equal(isInside('/a/b', '/a/bc'), false)
  assert.equal(isInside('/a/b', '/a'), false)
  assert.equal(isInside('/a/b', '/a/b/../c'), false)
})

test('a real folder: every file resolves inside it, the sibling secret does not', async () => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'linkup-app-path-'))
  try {
    const root = path.join(base, 'renderer')
    await fs.mkdir(path.join(root, 'assets'), { recursive: true })
    await fs.writeFile(path.join(root, 'index.html'), '<!doctype html>')
    await fs.writeFile(path.join(base, 'secret.txt'), 'secret')
    const index = resolveAppPath(root, 'app://linkup/')
    assert.equal(await fs.readFile(index!, 'utf8'), '<!doctype html>')
    assert.equal(resolveAppPath(root, 'app://linkup/..%2fsecret.txt'), null)
    const folded = resolveAppPath(root, 'app://linkup/../secret.txt')
    assert.equal(folded, path.join(root, 'secret.txt'))
    await assert.rejects(fs.readFile(folded!))
  } finally {
    await fs.rm(base, { recursive: true, force: true })
  }
})

test('content types for what vite emits', () => {
  assert.equal(contentTypeFor('/x/index.html'), 'text/html; charset=utf-8')
  assert.equal(contentTypeFor('/x/assets/a.JS'), 'text/javascript; charset=utf-8')
  assert.equal(contentTypeFor('/x/assets/a.css'), 'text/css; charset=utf-8')
  assert.equal(contentTypeFor('/x/a.svg'), 'image/svg+xml')
  assert.equal(contentTypeFor('/x/a.woff2'), 'font/woff2')
  assert.equal(contentTypeFor('/x/a.unknown'), 'application/octet-stream')
  assert.equal(contentTypeFor('/x/noext'), 'application/octet-stream')
})

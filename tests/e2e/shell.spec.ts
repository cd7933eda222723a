import fs from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { WebSocket } from 'ws'
import { startWebShell } from '../../src/web/server'
import { tempDir } from '../helpers/net'
import { SHELL, expect, test } from './fixtures'

test.skip(SHELL === 'electron', 'tests the browser shell itself')

// The browser shell is the engine's whole API on a local port: only a page it served,
// holding its token, may talk to it, and nothing outside the renderer folder is served.

interface Opened {
  ok: boolean
  status?: number
  ws?: WebSocket
}

function open(url: string, headers: Record<string, string>): Promise<Opened> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve({ ok: true, ws }))
    ws.once('unexpected-response', (_req, res) => resolve({ ok: false, status: res.statusCode }))
    ws.once('error', () => resolve({ ok: false }))
  })
}

function call(ws: WebSocket, frame: unknown): Promise<any> {
  return new Promise((resolve) => {
    const id = (frame as { id: number }).id
    const onMessage = (data: Buffer) => {
      const msg = JSON.parse(data.toString())
      if (msg.id !== id) return
      ws.off('message', onMessage)
      resolve(msg.reply)
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify(frame))
  })
}

test('the WebSocket demands the token, its own Origin and Host', async ({ alice }) => {
  const { port, token } = alice.shell
  const origin = `http://127.0.0.1:${port}`
  const base = `ws://127.0.0.1:${port}/ws`

  expect((await open(`${base}?token=${'0'.repeat(64)}`, { Origin: origin })).status).toBe(401)
  expect((await open(base, { Origin: origin })).status).toBe(401)
  expect((await open(`${base}?token=${token}`, { Origin: 'http://evil.example' })).status).toBe(403)
  expect((await open(`${base}?token=${token}`, {})).status).toBe(403)
  const rebound = await open(`${base}?token=${token}`, {
    Origin: origin,
    Host: `evil.example:${port}`,
  })
  expect(rebound.status).toBe(421)

  const good = await open(`${base}?token=${token}`, { Origin: origin })
  expect(good.ok).toBe(true)
  const ws = good.ws!
  const info = await call(ws, { id: 1, command: 'app:info', args: [] })
  expect(info.ok).toBe(true)
  expect(info.value.profile.key).toMatch(/^[0-9a-f]{64}$/)

  // Arguments are validated before the engine sees them; errors come back as text.
  const bad = await call(ws, {
    id: 2,
    command: 'message:send',
    args: [{ room: 'nope', text: 'x' }],
  })
  expect(bad).toEqual({
    ok: false,
    error: expect.stringContaining('Invalid arguments for message:send'),
  })
  const unknown = await call(ws, { id: 3, command: 'fs:read', args: ['/etc/passwd'] })
  expect(unknown).toEqual({ ok: false, error: 'Unknown command fs:read' })
  const proto = await call(ws, { id: 4, command: '__proto__', args: [] })
  expect(proto.ok).toBe(false)
  const engineError = await call(ws, { id: 5, command: 'room:join', args: [{ key: 'zz' }] })
  expect(engineError).toEqual({ ok: false, error: expect.stringContaining('64 hex characters') })
  ws.close()
})

/** A GET with the path sent exactly as written (no client-side normalisation). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      })
      req.on('error', reject)
      req.end()
    },
  )
}

test('HTTP serves the renderer with the CSP, and nothing outside it', async ({ alice }) => {
  // A renderer folder with a secret beside it and a symlink pointing out of it.
  const dir = await tempDir('linkup-shell-')
  await fs.mkdir(path.join(dir, 'renderer', 'assets'), { recursive: true })
  await fs.writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>ok</title>')
  await fs.writeFile(path.join(dir, 'renderer', 'assets', 'app.js'), 'export {}')
  await fs.writeFile(path.join(dir, 'secret.txt'), 'SECRET')
  await fs.symlink(path.join(dir, 'secret.txt'), path.join(dir, 'renderer', 'link.txt'))
  const shell = await startWebShell({ node: alice.node, rendererDir: path.join(dir, 'renderer') })
  const { port } = shell
  try {
    const index = await get(port, '/')
    expect(index.status).toBe(200)
    expect(index.body).toContain('<title>ok</title>')
    const csp = String(index.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port}`)
    expect(csp).not.toContain('unsafe')
    expect(index.headers['x-content-type-options']).toBe('nosniff')
    const js = await get(port, '/assets/app.js')
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toContain('text/javascript')

    for (const p of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/link.txt',
      '/assets/%00',
      '/nope.js',
      '/%E0%A4%A',
    ]) {
      const res = await get(port, p)
      expect(res.status, p).toBe(404)
      expect(res.body, p).not.toContain('SECRET')
    }
    expect((await get(port, '/', { Host: 'evil.example' })).status).toBe(421)
    expect((await get(port, '/', { Host: `localhost:${port}` })).status).toBe(200)
    expect((await get(port, '/', {}, 'POST')).status).toBe(405)
  } finally {
    await shell.close()
  }
})

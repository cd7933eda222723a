import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { mediaHeaders, openMedia, parseMediaPath } from '../../src/core/files/media'
import { LinkupNode } from '../../src/core/node'
import { Uploads } from '../../src/core/files/uploads'
import { removeTempDirs, tempDir, testnet, type Testnet } from '../helpers/net'

// Chunked uploads (src/core/uploads.ts) and media serving (src/core/media.ts) against a
// real engine: the bytes that go in are the bytes the entry and /media/ give back.

let net: Testnet
let node: LinkupNode
let uploads: Uploads
let room: string

before(async () => {
  net = await testnet()
  node = new LinkupNode({ storage: await tempDir(), bootstrap: net.bootstrap, host: '127.0.0.1' })
  await node.ready()
  uploads = new Uploads(node)
  room = (await node.createRoom('Files')).key
})
after(async () => {
  await uploads?.close()
  await node?.close()
  await net?.destroy()
  await removeTempDirs()
})

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of stream) parts.push(Buffer.from(c as Buffer))
  return Buffer.concat(parts)
}

test('a chunked upload becomes a file entry with the same bytes, and its temp file goes', async () => {
  const bytes = Buffer.alloc(300 * 1024, 7)
  const { upload } = await uploads.start({
    room,
    kind: 'file',
    name: 'notes.txt',
    type: 'text/plain',
    size: bytes.length,
  })
  await uploads.chunk(upload, bytes.subarray(0, 256 * 1024).toString('base64'))
  await uploads.chunk(upload, bytes.subarray(256 * 1024).toString('base64'))
  const entry: any = await uploads.finish(upload)
  assert.equal(entry.kind, 'file')
  assert.equal(entry.file.name, 'notes.txt')
  assert.equal(entry.file.size, bytes.length)
  assert.deepEqual(await fs.readdir(path.join(node.storage, 'uploads')), [])
  const found = await openMedia(node, parseMediaPath(`/media/${room}/${entry.id}`)!)
  assert.ok(found)
  // Not an image or audio: served as opaque bytes to download.
  assert.equal(found.headers['Content-Type'], 'application/octet-stream')
  assert.match(found.headers['Content-Disposition'], /^attachment;/)
  assert.deepEqual(await collect(found.body), bytes)
})

test('an upload cannot grow past its declared size, end early, or exceed the caps', async () => {
  const { upload } = await uploads.start({ room, kind: 'file', name: 'a', type: '', size: 4 })
  await assert.rejects(uploads.chunk(upload, Buffer.alloc(5).toString('base64')), /bigger/)
  await assert.rejects(uploads.finish(upload), /not open/)
  const short = await uploads.start({ room, kind: 'file', name: 'b', type: '', size: 4 })
  await uploads.chunk(short.upload, Buffer.alloc(2).toString('base64'))
  await assert.rejects(uploads.finish(short.upload), /ended early/)
  await assert.rejects(
    uploads.start({ kind: 'avatar', name: 'x.png', type: 'image/png', size: 2 * 1024 * 1024 }),
    /too big/,
  )
  await assert.rejects(uploads.start({ kind: 'file', name: 'x', type: '', size: 1 }), /room/)
  assert.deepEqual(await fs.readdir(path.join(node.storage, 'uploads')), [])
})

test('media paths name a room and an entry or member, nothing else', () => {
  const k = 'a'.repeat(64)
  assert.deepEqual(parseMediaPath(`/media/${k}/${k}.3.0`), {
    kind: 'media',
    room: k,
    id: `${k}.3.0`,
  })
  assert.deepEqual(parseMediaPath(`/avatar/${k}/${k}`), { kind: 'avatar', room: k, member: k })
  for (const bad of [`/media/${k}/../x`, `/media/${k}/${k}.3`, `/media/x/${k}.1.0`, '/media/']) {
    assert.equal(parseMediaPath(bad), null)
  }
  const ref = { drive: k, path: '/f', name: 'x.svg', size: 1, type: 'image/svg+xml', hash: k }
  assert.equal(mediaHeaders(ref)['Content-Type'], 'application/octet-stream')
  assert.equal(mediaHeaders({ ...ref, type: 'image/png' })['Content-Type'], 'image/png')
  assert.equal(
    mediaHeaders({ ...ref, type: 'image/png' }, { download: true })['Content-Type'],
    'application/octet-stream',
  )
})

import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { after, test } from 'node:test'
import { imageInfo } from '../../src/core/files/image'
import { numberedName, safeFileName, safeTarget } from '../../src/core/files/names'
import { entryFileName, formatBytes, mediaType } from '../../src/core/files/store'
import { removeTempDirs, tempDir } from '../helpers/net'
import { pngHeader } from './helpers'

after(removeTempDirs)

const HOSTILE = [
  '../../.bashrc',
  '..\\x',
  '..\\..\\Windows\\System32\\drivers\\etc\\hosts',
  '/etc/passwd',
  'C:\\evil.exe',
  'a\u0000b.txt',
  '\u0000',
  '..',
  '.',
  '',
  '   ',
  '....',
  'x'.repeat(300),
  '€'.repeat(300) + '.txt',
  'name\u202e\u2066gpj.exe',
  'line\nbreak\r\t.txt',
  'con.txt',
  'NUL',
  'a:b*c?d"e<f>g|h.txt',
  'dots. . .',
]

test('hostile peer file names never leave the chosen folder', async () => {
  // The chosen folder sits alone in a fresh parent, so anything escaping it shows there.
  const outside = await tempDir('linkup-save-')
  const folder = path.join(outside, 'Downloads')
  await fs.mkdir(folder)
  const before = new Set(await fs.readdir(outside))
  for (const name of HOSTILE) {
    const target = safeTarget(folder, name)
    const base = path.basename(target)
    assert.equal(path.dirname(target), folder, `${JSON.stringify(name)} stays in the folder`)
    assert.ok(!/[/\\\u0000-\u001f\u202a-\u202e\u2066-\u2069]/u.test(base), `clean: ${base}`)
    assert.ok(base !== '.' && base !== '..' && base.length > 0)
    assert.ok(Buffer.byteLength(base) <= 255, `short enough: ${Buffer.byteLength(base)} bytes`)
    assert.ok(!/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/iu.test(base), `no device name: ${base}`)
    // Writing there really creates a file inside the folder, and nothing next to it.
    await fs.writeFile(target, 'x', { flag: 'w' })
  }
  const inside = await fs.readdir(folder)
  assert.ok(inside.length >= 10, 'the names became files in the folder')
  assert.deepEqual(new Set(await fs.readdir(outside)), before, 'nothing appeared outside')
  await assert.rejects(fs.access(path.resolve(folder, '../../.bashrc')))
})

test('safe names keep what is harmless and the extension of long names', () => {
  assert.equal(safeFileName('report.pdf'), 'report.pdf')
  assert.equal(safeFileName('Ünïcødé naïve.txt'), 'Ünïcødé naïve.txt')
  assert.equal(safeFileName('../../.bashrc'), '__.._.bashrc')
  const long = safeFileName('€'.repeat(300) + '.txt')
  assert.ok(Buffer.byteLength(long) <= 255)
  assert.equal(numberedName('photo.jpg', 2), 'photo (2).jpg')
  assert.equal(numberedName('README', 3), 'README (3)')
  assert.equal(numberedName('.hidden', 2), '.hidden (2)')
})

test('the entry name is the file name, NFC, within the schema limit', () => {
  assert.equal(entryFileName(undefined, '/tmp/some/file.bin'), 'file.bin')
  assert.equal(entryFileName('Cafe\u0301.txt', '/x'), 'Café.txt')
  const name = entryFileName('😀'.repeat(200), '/x')
  assert.ok(name.length <= 255 && !/[\ud800-\udbff]$/u.test(name), 'no split surrogate pair')
})

test('media types: a well-formed given type, else from the extension', () => {
  assert.equal(mediaType('image/png', 'x.bin'), 'image/png')
  assert.equal(mediaType('text/html; <script>', 'x.pdf'), 'application/pdf')
  assert.equal(mediaType(undefined, 'song.OGG'), 'audio/ogg')
  assert.equal(mediaType(undefined, 'noext'), 'application/octet-stream')
  assert.equal(formatBytes(10 * 1024 ** 3), '10 GiB')
  assert.equal(formatBytes(1536), '1.5 KiB')
})

test('image header reader: PNG, GIF, WebP (three kinds), JPEG; nothing else', () => {
  assert.deepEqual(imageInfo(pngHeader(640, 480)), { type: 'image/png', width: 640, height: 480 })

  const gif = Buffer.alloc(13)
  gif.write('GIF89a', 0, 'latin1')
  gif.writeUInt16LE(32, 6)
  gif.writeUInt16LE(16, 8)
  assert.deepEqual(imageInfo(gif), { type: 'image/gif', width: 32, height: 16 })

  const riff = (chunk: string, body: Buffer) => {
    const b = Buffer.alloc(20 + body.length)
    b.write('RIFF', 0, 'latin1')
    b.writeUInt32LE(b.length - 8, 4)
    b.write('WEBP', 8, 'latin1')
    b.write(chunk, 12, 'latin1')
    b.writeUInt32LE(body.length, 16)
    body.copy(b, 20)
    return b
  }
  const vp8x = Buffer.alloc(10)
  vp8x.writeUIntLE(2999, 4, 3)
  vp8x.writeUIntLE(1999, 7, 3)
  assert.deepEqual(imageInfo(riff('VP8X', vp8x)), { type: 'image/webp', width: 3000, height: 2000 })
  const vp8l = Buffer.alloc(10)
  vp8l[0] = 0x2f
  vp8l.writeUInt32LE(99 | (49 << 14), 1)
  assert.deepEqual(imageInfo(riff('VP8L', vp8l)), { type: 'image/webp', width: 100, height: 50 })
  const vp8 = Buffer.alloc(10)
  Buffer.from([0x9d, 0x01, 0x2a]).copy(vp8, 3)
  vp8.writeUInt16LE(320, 6)
  vp8.writeUInt16LE(240, 8)
  assert.deepEqual(imageInfo(riff('VP8 ', vp8)), { type: 'image/webp', width: 320, height: 240 })

  // JPEG: SOI, an APP0 segment, a DQT-like segment, then SOF2 (progressive).
  const jpeg = Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x06, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xdb, 0x00, 0x03, 0x00, 0xff,
    0xc2, 0x00, 0x0b, 0x08, 0x04, 0xb0, 0x06, 0x40, 0x03, 0x01, 0x11,
  ])
  assert.deepEqual(imageInfo(jpeg), { type: 'image/jpeg', width: 1600, height: 1200 })

  assert.equal(imageInfo(Buffer.from('BM' + '\u0000'.repeat(40), 'latin1')), null, 'BMP')
  assert.equal(imageInfo(Buffer.from('<svg width="10" height="10"/>')), null, 'SVG')
  assert.equal(imageInfo(pngHeader(0, 10)), null, 'zero width')
  assert.equal(imageInfo(jpeg.subarray(0, 12)), null, 'truncated JPEG')
  assert.equal(imageInfo(Buffer.alloc(0)), null, 'empty')
})

import crypto from 'node:crypto'
import fs from 'node:fs'
import { once } from 'node:events'
import type { LinkupNode } from '../../src/core/node'
import { encodeBlock, type Entry } from '../../src/shared/entries'
import type { FileProgress, TimelineEntry } from '../../src/shared/types'
import { until } from '../helpers/net'

export const MiB = 1024 * 1024

/** A file of random bytes, written 1 MiB at a time. */
export async function randomFile(file: string, bytes: number): Promise<string> {
  const out = fs.createWriteStream(file)
  for (let left = bytes; left > 0; left -= MiB) {
    if (!out.write(crypto.randomBytes(Math.min(MiB, left)))) await once(out, 'drain')
  }
  out.end()
  await once(out, 'close')
  return file
}

/** SHA-256 of a file, streamed: an independent check of what LinkUp wrote. */
export async function sha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk)
  return hash.digest('hex')
}

export async function streamBytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(parts)
}

/** Waits until `node` has loaded entry `id` in `room`, and returns it. */
export function entryOn(node: LinkupNode, room: string, id: string): Promise<TimelineEntry> {
  return until(`${node.profile.name} to see entry ${id.slice(-8)}`, async () =>
    (await node.history(room, { limit: 1000 })).find((e) => e.id === id),
  )
}

/** Every 'file:progress' event for one entry, in order. */
export function progressOf(node: LinkupNode, id: string): FileProgress[] {
  const seen: FileProgress[] = []
  node.on('file:progress', (p) => p.id === id && seen.push(p))
  return seen
}

/** Appends raw entries to a member's writer core: what a modified client could send. */
export async function appendRaw(node: LinkupNode, room: string, entries: Entry[]): Promise<string> {
  const core = node.store.get({ keyPair: node.identity.writerKeyPair(Buffer.from(room, 'hex')) })
  await core.ready()
  const seq = core.length
  await core.append(encodeBlock(node.profile.name, -1, entries))
  return `${node.memberKey(room)}.${seq}.0`
}

/** A tiny valid PNG header of the given size (enough for the header reader and a viewer's probe). */
export function pngHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(33)
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0)
  b.writeUInt32BE(13, 8)
  b.write('IHDR', 12, 'latin1')
  b.writeUInt32BE(width, 16)
  b.writeUInt32BE(height, 20)
  b[24] = 8 // bit depth
  b[25] = 6 // RGBA
  return b
}

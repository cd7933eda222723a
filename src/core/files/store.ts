import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import crypto from 'hypercore-crypto'
import {
  MAX_AVATAR_BYTES,
  MAX_AVATAR_PIXELS,
  MAX_FILE_NAME_CHARS,
  MAX_VOICE_NOTE_MS,
} from '../../shared/limits'
import type { FileRef } from '../../shared/types'
import { FILE_BLOCK_BYTES, type BlobId, type Drives } from './drive'
import { FileHasher } from './hash'
import { imageInfo } from './image'

// The sending side: a file on disk becomes a blob in the member's own drive and a
// FileRef for the entry. Files stream from disk into the drive and are hashed on the
// way, so memory does not grow with the file; the size limit is checked from the file
// system before the first byte and again while bytes flow (a file can grow meanwhile).

export interface Stored {
  ref: FileRef
  blob: BlobId
}

export interface StoreOptions {
  /** Folder inside the drive: '/files/', '/avatars/'. */
  dir: string
  maxBytes: number
  /** What the limit is, for the error: 'A file', 'A voice note'. */
  what: string
  name: string
  type: string
}

export async function storeFile(
  drives: Drives,
  filePath: string,
  opts: StoreOptions,
): Promise<Stored> {
  const size = await regularFileSize(filePath)
  if (size > opts.maxBytes) throw tooBig(opts.what, size, opts.maxBytes)
  const hasher = new FileHasher()
  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of fs.createReadStream(filePath, { highWaterMark: FILE_BLOCK_BYTES })) {
      hasher.update(chunk)
      if (hasher.bytes > opts.maxBytes) throw tooBig(opts.what, hasher.bytes, opts.maxBytes)
      yield chunk
    }
  }
  const drivePath = `${opts.dir}${crypto.randomBytes(16).toString('hex')}`
  const blob = await drives.write(drivePath, chunks())
  const ref: FileRef = {
    drive: drives.key,
    path: drivePath,
    name: opts.name,
    size: hasher.bytes,
    type: opts.type,
    hash: hasher.digest(),
  }
  return { ref, blob }
}

/** Checks an avatar (size, format, pixel size) and stores it; small enough to read whole. */
export async function storeAvatar(drives: Drives, filePath: string): Promise<Stored> {
  const size = await regularFileSize(filePath)
  if (size > MAX_AVATAR_BYTES) throw tooBig('An avatar', size, MAX_AVATAR_BYTES)
  const bytes = await fsp.readFile(filePath)
  const problem = avatarProblem(bytes)
  if (problem) throw new Error(problem)
  const info = imageInfo(bytes)!
  const drivePath = `/avatars/${crypto.randomBytes(16).toString('hex')}`
  const hasher = new FileHasher()
  hasher.update(bytes)
  const blob = await drives.write(
    drivePath,
    (async function* () {
      for (let at = 0; at < bytes.length; at += FILE_BLOCK_BYTES)
        yield bytes.subarray(at, at + FILE_BLOCK_BYTES)
    })(),
  )
  const ext = info.type.slice('image/'.length)
  const ref: FileRef = {
    drive: drives.key,
    path: drivePath,
    name: `avatar.${ext === 'jpeg' ? 'jpg' : ext}`,
    size: bytes.length,
    type: info.type,
    hash: hasher.digest(),
  }
  return { ref, blob }
}

/** Why these bytes cannot be an avatar, or null when they can. Used on both sides. */
export function avatarProblem(bytes: Uint8Array): string | null {
  if (bytes.byteLength > MAX_AVATAR_BYTES)
    return tooBig('An avatar', bytes.byteLength, MAX_AVATAR_BYTES).message
  const info = imageInfo(bytes)
  if (!info) return 'An avatar must be a PNG, JPEG, WebP or GIF image.'
  if (info.width > MAX_AVATAR_PIXELS || info.height > MAX_AVATAR_PIXELS)
    return `An avatar can be at most ${MAX_AVATAR_PIXELS}×${MAX_AVATAR_PIXELS} pixels; this one is ${info.width}×${info.height}.`
  return null
}

/** Voice-note length in whole ms, or a clear error. */
export function voiceDuration(durationMs: number): number {
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs <= 0)
    throw new Error('A voice note needs a duration.')
  const ms = Math.max(1, Math.round(durationMs))
  if (ms > MAX_VOICE_NOTE_MS)
    throw new Error(`A voice note can be at most ${MAX_VOICE_NOTE_MS / 60000} minutes long.`)
  return ms
}

/** The name the entry carries: the file's own name, NFC, within the entry's limit. */
export function entryFileName(name: string | undefined, filePath: string): string {
  const raw = (typeof name === 'string' && name ? name : path.basename(filePath)).normalize('NFC')
  let out = ''
  for (const ch of raw) {
    if (out.length + ch.length > MAX_FILE_NAME_CHARS) break
    out += ch
  }
  return out || 'file'
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/u
const BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.zip': 'application/zip',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/wav',
  '.webm': 'audio/webm',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
}

/** A media type for the entry: the one given if well-formed, else one from the extension. */
export function mediaType(given: string | undefined, name: string): string {
  const t = typeof given === 'string' ? given.trim().toLowerCase() : ''
  if (MEDIA_TYPE.test(t)) return t
  return BY_EXTENSION[path.extname(name).toLowerCase()] ?? 'application/octet-stream'
}

async function regularFileSize(filePath: string): Promise<number> {
  let stat: fs.Stats
  try {
    stat = await fsp.stat(filePath)
  } catch (err: any) {
    throw new Error(`Cannot read ${path.basename(filePath)}: ${err.code ?? err.message}`)
  }
  if (!stat.isFile()) throw new Error(`${path.basename(filePath)} is not a file.`)
  return stat.size
}

export function tooBig(what: string, size: number, max: number): Error {
  return new Error(`${what} can be at most ${formatBytes(max)}; this one is ${formatBytes(size)}.`)
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`
}

import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { CommandArgs, UploadKind } from '../../shared/ipc'
import {
  DEFAULT_MAX_FILE_BYTES,
  MAX_AVATAR_BYTES,
  MAX_OPEN_UPLOADS,
  MAX_UPLOAD_CHUNK_BYTES,
  MAX_VOICE_NOTE_BYTES,
  UPLOAD_IDLE_MS,
} from '../../shared/limits'
import type { Profile, TimelineEntry } from '../../shared/types'

// Renderer-to-host uploads, shared by both shells. The renderer never names a path on
// disk: it declares a file (kind, name, type, size), streams base64 chunks, and the host
// appends them to a temp file inside the storage folder. On finish the engine takes the
// file over (sendFile / sendVoiceNote / setAvatar) and the temp file goes.

/** What uploads need of LinkupNode (src/core/node.ts). */
export interface UploadEngine {
  readonly storage: string
  sendFile(
    room: string,
    file: string,
    opts?: { type?: string; name?: string },
  ): Promise<TimelineEntry>
  sendVoiceNote(
    room: string,
    file: string,
    durationMs: number,
    type?: string,
  ): Promise<TimelineEntry>
  setAvatar(file: string | null): Promise<Profile>
}

export type UploadStart = CommandArgs<'file:uploadStart'>[0]

interface Upload {
  id: string
  spec: UploadStart
  file: string
  handle: fs.FileHandle
  received: number
  /** A chunk or finish is running: calls for one upload are taken one at a time. */
  busy: boolean
  idle: ReturnType<typeof setTimeout>
}

function capFor(kind: UploadKind, maxFileBytes: number): number {
  if (kind === 'audio') return Math.min(MAX_VOICE_NOTE_BYTES, maxFileBytes)
  if (kind === 'avatar') return MAX_AVATAR_BYTES
  return maxFileBytes
}

/** A short extension from the declared name (the engine derives types from it), or ''. */
function safeExtension(name: string): string {
  const ext = path.extname(name).toLowerCase()
  return /^\.[a-z0-9]{1,10}$/u.test(ext) ? ext : ''
}

export class Uploads {
  private readonly open = new Map<string, Upload>()
  private readonly folder: string
  private cleaned: Promise<void> | null = null

  constructor(
    private readonly engine: UploadEngine,
    private readonly opts: { maxFileBytes?: number; idleMs?: number } = {},
  ) {
    this.folder = path.join(engine.storage, 'uploads')
  }

  async start(spec: UploadStart): Promise<{ upload: string }> {
    if (spec.kind !== 'avatar' && !spec.room) throw new Error('Choose a room to send the file to.')
    if (spec.kind === 'audio' && spec.duration === undefined)
      throw new Error('A voice note needs its duration.')
    const cap = capFor(spec.kind, this.opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)
    if (spec.size > cap) throw new Error(`That file is too big (the limit is ${cap} bytes).`)
    if (this.open.size >= MAX_OPEN_UPLOADS) throw new Error('Too many uploads at once.')
    // Leftovers of a crash are removed once, before the first upload of this run.
    this.cleaned ??= fs
      .rm(this.folder, { recursive: true, force: true })
      .then(() => fs.mkdir(this.folder, { recursive: true, mode: 0o700 }))
      .then(() => undefined)
    await this.cleaned
    const id = crypto.randomBytes(16).toString('hex')
    const file = path.join(this.folder, `${id}${safeExtension(spec.name)}`)
    const handle = await fs.open(file, 'wx', 0o600)
    const upload: Upload = {
      id,
      spec,
      file,
      handle,
      received: 0,
      busy: false,
      idle: this.idleTimer(id),
    }
    this.open.set(id, upload)
    return { upload: id }
  }

  async chunk(id: string, base64: string): Promise<{ received: number }> {
    const u = this.take(id)
    try {
      const data = Buffer.from(base64, 'base64')
      if (data.length > MAX_UPLOAD_CHUNK_BYTES) throw new Error('Upload chunk too big.')
      if (u.received + data.length > u.spec.size)
        throw new Error('The upload is bigger than it said it would be.')
      await u.handle.write(data, 0, data.length, u.received)
      u.received += data.length
      return { received: u.received }
    } catch (err) {
      await this.drop(u)
      throw err
    } finally {
      u.busy = false
    }
  }

  async finish(id: string): Promise<TimelineEntry | Profile> {
    const u = this.take(id)
    try {
      if (u.received !== u.spec.size)
        throw new Error(`The upload ended early (${u.received} of ${u.spec.size} bytes).`)
      await u.handle.close()
      const { spec } = u
      if (spec.kind === 'avatar') return await this.engine.setAvatar(u.file)
      if (spec.kind === 'audio')
        return await this.engine.sendVoiceNote(spec.room!, u.file, spec.duration!, spec.type)
      return await this.engine.sendFile(spec.room!, u.file, {
        type: spec.type || undefined,
        name: spec.name,
      })
    } finally {
      await this.drop(u)
    }
  }

  async cancel(id: string): Promise<void> {
    const u = this.open.get(id)
    if (u) await this.drop(u)
  }

  /** Drops every open upload (the shell is closing). */
  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((u) => this.drop(u)))
  }

  private take(id: string): Upload {
    const u = this.open.get(id)
    if (!u) throw new Error('That upload is not open (it finished, failed or timed out).')
    if (u.busy) throw new Error('Upload chunks must be sent one at a time.')
    u.busy = true
    clearTimeout(u.idle)
    u.idle = this.idleTimer(id)
    return u
  }

  private idleTimer(id: string): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      const u = this.open.get(id)
      if (u) void this.drop(u)
    }, this.opts.idleMs ?? UPLOAD_IDLE_MS)
    t.unref?.()
    return t
  }

  private async drop(u: Upload): Promise<void> {
    if (this.open.get(u.id) === u) this.open.delete(u.id)
    clearTimeout(u.idle)
    await u.handle.close().catch(() => {})
    await fs.rm(u.file, { force: true }).catch(() => {})
  }
}

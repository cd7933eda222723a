import type { LinkupApi, UploadKind } from '../../shared/ipc'
import { MAX_UPLOAD_CHUNK_BYTES } from '../../shared/limits'
import type { FileProgress, Profile, TimelineEntry } from '../../shared/types'

// File state the UI needs beside the timelines: download progress per entry (from
// 'file:progress'), uploads running from this window, and media URLs asked of the host.
// Uploads go in chunks of MAX_UPLOAD_CHUNK_BYTES: the whole file is never in one frame.

export interface UploadState {
  key: number
  name: string
  kind: UploadKind
  done: number
  total: number
  error: string | null
}

export interface UploadSpec {
  room?: string
  kind: UploadKind
  blob: Blob
  name: string
  /** Voice notes: measured length in ms. */
  duration?: number
}

/** Progress events past this age no longer mean "downloading". */
const STALE_PROGRESS_MS = 60_000
const ERROR_SHOWN_MS = 6000

export class FileStore {
  private readonly progress = new Map<string, FileProgress & { at: number }>()
  private readonly urls = new Map<string, Promise<string | null>>()
  private uploads: UploadState[] = []
  private readonly listeners = new Set<() => void>()
  private version = 0
  /** Bumped when an avatar arrives, so pictures that failed to load are asked for again. */
  avatarVersion = 0
  private nextKey = 1

  constructor(private readonly api: LinkupApi) {
    api.on('file:progress', (p) => {
      this.progress.set(p.id, { ...p, at: Date.now() })
      this.changed()
    })
    // A member's avatar arrived: URLs asked for before it was here may have been null.
    api.on('avatar:updated', ({ room, member }) => {
      for (const key of [...this.urls.keys()]) {
        if (key.startsWith(`avatar:${room}:${member}:`)) this.urls.delete(key)
      }
      this.avatarVersion++
      this.changed()
    })
  }

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb)
    return () => {
      this.listeners.delete(cb)
    }
  }

  getVersion = (): number => this.version

  private changed(): void {
    this.version++
    for (const cb of this.listeners) cb()
  }

  progressOf(id: string): FileProgress | null {
    const p = this.progress.get(id)
    return p && Date.now() - p.at < STALE_PROGRESS_MS ? p : null
  }

  activeUploads(): UploadState[] {
    return this.uploads
  }

  fileUrl(room: string, id: string): Promise<string | null> {
    const key = `file:${room}:${id}`
    let url = this.urls.get(key)
    if (!url) {
      url = this.api.fileUrl({ room, id }).catch(() => null)
      this.urls.set(key, url)
    }
    return url
  }

  avatarUrl(room: string, member: string, hash: string): Promise<string | null> {
    const key = `avatar:${room}:${member}:${hash}`
    let url = this.urls.get(key)
    if (!url) {
      url = this.api.avatarUrl({ room, member }).catch(() => null)
      this.urls.set(key, url)
    }
    return url
  }

  download(room: string, id: string): Promise<TimelineEntry> {
    return this.api.downloadFile({ room, id })
  }

  /** Saves a file: Electron asks where; in a browser the page downloads the shell's URL. */
  async save(room: string, id: string, name: string): Promise<void> {
    const result = await this.api.saveFile({ room, id })
    if (result.url) {
      const a = document.createElement('a')
      a.href = result.url
      a.download = name
      a.rel = 'noopener'
      document.body.append(a)
      a.click()
      a.remove()
    }
  }

  /** Streams a Blob to the host and posts it; resolves to the entry (or the profile). */
  async upload(spec: UploadSpec): Promise<TimelineEntry | Profile> {
    const state: UploadState = {
      key: this.nextKey++,
      name: spec.name,
      kind: spec.kind,
      done: 0,
      total: spec.blob.size,
      error: null,
    }
    this.setUploads([...this.uploads, state])
    const update = (patch: Partial<UploadState>) =>
      this.setUploads(this.uploads.map((u) => (u.key === state.key ? { ...u, ...patch } : u)))
    let upload: string | null = null
    try {
      // Media types carry parameters (audio/webm;codecs=opus); the entry keeps the type.
      const type = (spec.blob.type || '').split(';')[0].trim().toLowerCase()
      ;({ upload } = await this.api.uploadStart({
        room: spec.room,
        kind: spec.kind,
        name: spec.name,
        type,
        size: spec.blob.size,
        duration: spec.duration === undefined ? undefined : Math.round(spec.duration),
      }))
      for (let at = 0; at < spec.blob.size; at += MAX_UPLOAD_CHUNK_BYTES) {
        const part = spec.blob.slice(at, at + MAX_UPLOAD_CHUNK_BYTES)
        const data = await toBase64(part)
        const { received } = await this.api.uploadChunk({ upload, data })
        update({ done: received })
      }
      const result = await this.api.uploadFinish({ upload })
      upload = null
      this.setUploads(this.uploads.filter((u) => u.key !== state.key))
      return result
    } catch (err) {
      if (upload) void this.api.uploadCancel({ upload }).catch(() => {})
      update({ error: err instanceof Error ? err.message : String(err) })
      setTimeout(
        () => this.setUploads(this.uploads.filter((u) => u.key !== state.key)),
        ERROR_SHOWN_MS,
      )
      throw err
    }
  }

  private setUploads(next: UploadState[]): void {
    this.uploads = next
    this.changed()
  }
}

const stores = new WeakMap<LinkupApi, FileStore>()

/** One FileStore per LinkupApi (the app has one). */
export function filesFor(api: LinkupApi): FileStore {
  let s = stores.get(api)
  if (!s) stores.set(api, (s = new FileStore(api)))
  return s
}

/** base64 of a Blob slice, via a data: URL (fast, and no giant binary strings). */
function toBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file.'))
    reader.readAsDataURL(blob)
  })
}

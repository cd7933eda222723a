import fsp from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import crypto from 'hypercore-crypto'
import { MAX_AVATAR_BYTES, MAX_VOICE_NOTE_BYTES } from '../../shared/limits'
import type { EngineEvents, FileRef, TimelineEntry } from '../../shared/types'
import type { HybridClock } from '../rooms/clock'
import { copyBlob, Drives, type DriveScope } from './drive'
import { Downloads, refKey } from './downloads'
import { FileHasher } from './hash'
import { numberedName, safeTarget } from './names'
import { moveLegacyFiles } from './legacy'
import * as store from './store'
import type { Room } from '../rooms/room'

// Files, voice notes and avatars for one node: sending into the own drive of a room;
// downloading (downloads.ts), saving and reading what other members shared; fetching
// voice notes and avatars by themselves as they arrive. Every room has its own drives
// (drive.ts); the private home drive keeps the avatar's source and pre-0.2 files, which
// move into each room's drive once (legacy.ts).

const AUTO_DOWNLOADS = 2

export interface FilesContext {
  store: any
  /** The data folder: files.json remembers which files were verified here. */
  storage?: string
  clock: HybridClock
  maxFileBytes: number
  stallMs: number
  emit<E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]): void
}

export interface DownloadResult {
  entry: TimelineEntry
  /** Bytes fetched from peers by this call; 0 when everything was already here. */
  fetched: number
  ms: number
}

export class Files {
  /** The private home drive: never replicated. */
  readonly home: Drives
  private readonly rooms = new Map<string, Drives>()
  private readonly downloads: Downloads
  private readonly queue: Array<() => Promise<unknown>> = []
  private autoActive = 0
  /** Jobs queued or running, by reference: a busy UI paging history queues each once. */
  private readonly autoKeys = new Set<string>()
  /** Verified avatars whose bytes passed the image check (true) or failed it (false). */
  private readonly avatars = new Map<string, boolean>()
  private closed = false

  constructor(private readonly ctx: FilesContext) {
    this.home = new Drives(ctx.store)
    this.downloads = new Downloads(ctx, (room) => this.drivesOf(room))
  }

  async ready(): Promise<void> {
    await this.downloads.load()
    await this.home.ready()
  }

  /** Opens the room's drives: its cores replicate only through `scope`, on that room's channels. */
  async openRoom(room: Room, scope: DriveScope): Promise<Drives> {
    const drives = new Drives(this.ctx.store, scope)
    await drives.ready()
    this.rooms.set(room.key, drives)
    return drives
  }

  async closeRoom(room: Room): Promise<void> {
    const drives = this.rooms.get(room.key)
    this.rooms.delete(room.key)
    await drives?.close()
  }

  drivesOf(room: Room): Drives {
    const drives = this.rooms.get(room.key)
    if (!drives) throw new Error('That room is not open.')
    return drives
  }

  /** Moves this room's pre-0.2 files out of the home drive into the room's (legacy.ts). */
  moveLegacy(room: Room, drives: Drives): Promise<number> {
    const own = room.timeline.writers.get(room.ownKey)
    if (!own) return Promise.resolve(0)
    return moveLegacyFiles(own.core, this.home, drives, (ref, blob) =>
      this.downloads.markReady(ref, blob),
    )
  }

  /** The key of the member's own drive in a room. */
  driveKey(room: Room): string {
    return this.drivesOf(room).key
  }

  // ---- sending ----

  async sendFile(
    room: Room,
    filePath: string,
    opts: { type?: string; name?: string } = {},
  ): Promise<TimelineEntry> {
    const name = store.entryFileName(opts.name, filePath)
    const { ref, blob } = await store.storeFile(this.drivesOf(room), filePath, {
      dir: '/files/',
      maxBytes: this.ctx.maxFileBytes,
      what: 'A file',
      name,
      type: store.mediaType(opts.type, name),
    })
    this.downloads.markReady(ref, blob)
    return this.appendOwn(room, { t: 'file', h: this.ctx.clock.tick(), file: ref })
  }

  async sendVoiceNote(
    room: Room,
    filePath: string,
    durationMs: number,
    type?: string,
  ): Promise<TimelineEntry> {
    const duration = store.voiceDuration(durationMs)
    const t = store.mediaType(type, filePath)
    const mediaType = t.startsWith('audio/') ? t : 'audio/webm'
    const ext = path.extname(filePath) || `.${mediaType.split('/')[1].replace(/[^a-z0-9]/gu, '')}`
    const { ref, blob } = await store.storeFile(this.drivesOf(room), filePath, {
      dir: '/files/',
      maxBytes: Math.min(MAX_VOICE_NOTE_BYTES, this.ctx.maxFileBytes),
      what: 'A voice note',
      name: store.entryFileName(`voice-note${ext}`, filePath),
      type: mediaType,
    })
    this.downloads.markReady(ref, blob)
    return this.appendOwn(room, { t: 'audio', h: this.ctx.clock.tick(), file: ref, duration })
  }

  private async appendOwn(room: Room, entry: any): Promise<TimelineEntry> {
    let item: TimelineEntry | null
    try {
      item = await room.append(entry)
    } catch (err) {
      await this.drivesOf(room)
        .remove(entry.file.path)
        .catch(() => {})
      throw err
    }
    if (!item) throw new Error('The file was sent but is hidden by ~clear.')
    return this.decorate(item)
  }

  /** Stores a new avatar (or none) in the home drive and frees the previous one's bytes. */
  async storeAvatar(filePath: string | null, previous: FileRef | null): Promise<FileRef | null> {
    let ref: FileRef | null = null
    if (filePath !== null) {
      const stored = await store.storeAvatar(this.home, filePath)
      this.downloads.markReady(stored.ref, stored.blob)
      ref = stored.ref
    }
    if (previous && previous.drive === this.home.key) {
      this.downloads.forget(previous)
      await this.home.remove(previous.path).catch(() => {})
    }
    return ref
  }

  /**
   * The avatar as this room shows it: a copy of the home drive's bytes in the room's own
   * drive (rooms share no drive), made once per avatar; the room's previous copy is freed.
   */
  async roomAvatar(room: Room, source: FileRef | null, current: FileRef | null) {
    const drives = this.drivesOf(room)
    if (current && source && current.hash === source.hash && current.drive === drives.key)
      return current
    let ref: FileRef | null = null
    if (source) {
      const blob = await copyBlob(this.home, drives, source.path)
      if (blob) {
        ref = { ...source, drive: drives.key }
        this.downloads.markReady(ref, blob)
      }
    }
    if (current) await this.removeOwn(room, current).catch(() => {})
    return ref
  }

  /** Frees the bytes of one of our own files in a room (after its entry was deleted). */
  async removeOwn(room: Room, ref: FileRef): Promise<void> {
    const drives = this.drivesOf(room)
    if (ref.drive !== drives.key) return
    this.downloads.forget(ref)
    await drives.remove(ref.path)
  }

  // ---- receiving ----

  /** Downloads and verifies the file of an entry; resolves once the verified bytes are here. */
  async download(room: Room, id: string): Promise<DownloadResult> {
    const item = await fileEntry(room, id)
    const started = performance.now()
    const { fetched } = await this.downloads.fetch(room, item)
    return { entry: item, fetched, ms: performance.now() - started }
  }

  /**
   * Writes the verified bytes to exactly `target`, through a temp file beside it that is
   * renamed once the hash matched. A file not here yet is downloaded and written in one
   * pass; one already here is copied and checked again on the way out.
   */
  async saveFile(room: Room, id: string, target: string): Promise<string> {
    const item = await fileEntry(room, id)
    const ref = item.file!
    this.downloads.checkSize(ref)
    const file = path.resolve(target)
    const tmp = path.join(
      path.dirname(file),
      `.linkup-${crypto.randomBytes(6).toString('hex')}.part`,
    )
    const out = await fsp.open(tmp, 'wx')
    let open = true
    try {
      // Positional writes: the download hands blocks over in order, a few at once.
      const write = async (block: Buffer, offset: number) => {
        for (let at = 0; at < block.length;)
          at += (await out.write(block, at, block.length - at, offset + at)).bytesWritten
      }
      const { blob, sunk } = await this.downloads.fetch(room, item, ref, write)
      if (!sunk) {
        const hasher = new FileHasher()
        for await (const block of this.downloads.blocks(room, ref, blob, hasher))
          await write(block, hasher.bytes - block.length)
        if (hasher.bytes !== ref.size || hasher.digest() !== ref.hash)
          throw new Error('The stored bytes no longer match the file; download it again.')
      }
      open = false
      await out.close()
      await fsp.rename(tmp, file)
    } catch (err) {
      if (open) await out.close().catch(() => {})
      await fsp.rm(tmp, { force: true }).catch(() => {})
      throw err
    }
    return file
  }

  /** Saves under the entry's name, made safe, inside `folder`, never replacing a file. */
  async saveFileIn(room: Room, id: string, folder: string): Promise<string> {
    const item = await fileEntry(room, id)
    const first = safeTarget(folder, item.file!.name)
    let target = first
    for (let n = 2; await exists(target); n++) {
      if (n > 999) throw new Error('Too many files with that name in the folder.')
      target = safeTarget(folder, numberedName(path.basename(first), n))
    }
    return this.saveFile(room, id, target)
  }

  /** The verified bytes of an entry's file, as a stream (downloads first if needed). */
  async readFile(room: Room, id: string): Promise<Readable> {
    const item = await fileEntry(room, id)
    const { blob } = await this.downloads.fetch(room, item)
    return Readable.from(this.downloads.blocks(room, item.file!, blob), { objectMode: false })
  }

  /** A member's avatar bytes, verified and checked as an image; null while they are not here. */
  async readAvatar(room: Room, ref: FileRef | null, own: boolean): Promise<Readable | null> {
    if (!ref || ref.size > MAX_AVATAR_BYTES) return null
    if (own) {
      const drives = this.drivesOf(room)
      const node = await drives.own.entry(ref.path, { wait: false }).catch(() => null)
      return node?.value?.blob && ref.drive === drives.key
        ? Readable.from(this.downloads.blocks(room, ref, node.value.blob), { objectMode: false })
        : null
    }
    const blob = this.downloads.blob(ref)
    return blob && this.avatars.get(refKey(ref)) === true
      ? Readable.from(this.downloads.blocks(room, ref, blob), { objectMode: false })
      : null
  }

  // ---- what arrives by itself ----

  /** Hooks a room: marks file entries as they arrive, fetches voice notes and avatars. */
  attach(room: Room): void {
    room.on('entry:added', (item: TimelineEntry) => this.notice(room, item))
    room.on('profile', (w: { key: string; own: boolean; avatar: FileRef | null }) => {
      if (!w.own && w.avatar) this.noticeAvatar(room, w.key, w.avatar)
    })
  }

  /** Marks entries loaded by paging, and queues their voice notes. */
  seen(room: Room, items: TimelineEntry[]): TimelineEntry[] {
    for (const item of items) this.notice(room, item)
    return items
  }

  decorate(item: TimelineEntry): TimelineEntry {
    if (!item.file || item.fileState) return item
    const known = this.downloads.state(item.file)
    item.fileState = item.own ? 'ready' : (known ?? 'remote')
    return item
  }

  private notice(room: Room, item: TimelineEntry): void {
    if (!item.file) return
    this.decorate(item)
    const ref = item.file
    if (item.kind !== 'audio' || item.own || item.deleted || item.fileState !== 'remote') return
    if (room.moderation.muted(item.author)) return // muted: nothing arrives by itself
    if (ref.size > MAX_VOICE_NOTE_BYTES || ref.size > this.ctx.maxFileBytes) return
    if (!room.autoDownload(item.author, ref.size)) return // over its hourly quota
    this.auto(`${refKey(ref)}:${item.id}`, () => this.downloads.fetch(room, item))
  }

  private noticeAvatar(room: Room, member: string, ref: FileRef): void {
    const key = refKey(ref)
    if (ref.size > MAX_AVATAR_BYTES || this.avatars.get(key) === false) return
    if (room.moderation.muted(member)) return
    if (!room.autoDownload(member, ref.size)) return
    this.auto(`${key}:${room.key}:${member}`, async () => {
      const { blob } = await this.downloads.fetch(room, null, ref)
      if (!this.avatars.has(key)) {
        const bytes: Buffer[] = []
        for await (const block of this.downloads.blocks(room, ref, blob)) bytes.push(block)
        this.avatars.set(key, store.avatarProblem(Buffer.concat(bytes)) === null)
      }
      if (this.avatars.get(key))
        this.ctx.emit('avatar:updated', { room: room.key, member, avatar: ref })
    })
  }

  /** Background downloads, a few at a time; failures leave the entry to try again later. */
  private auto(key: string, job: () => Promise<unknown>): void {
    if (this.closed || this.autoKeys.has(key)) return
    this.autoKeys.add(key)
    this.queue.push(async () => {
      try {
        await job()
      } finally {
        this.autoKeys.delete(key)
      }
    })
    this.pump()
  }

  private pump(): void {
    while (!this.closed && this.autoActive < AUTO_DOWNLOADS && this.queue.length) {
      const job = this.queue.shift()!
      this.autoActive++
      job()
        .catch(() => {})
        .finally(() => {
          this.autoActive--
          this.pump()
        })
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.queue.length = 0
    await this.downloads.close()
    await Promise.all([...this.rooms.values()].map((d) => d.close()))
    this.rooms.clear()
    await this.home.close()
  }
}

/** A file entry, loaded or not: a seeder fetches files of history nobody scrolled to. */
async function fileEntry(room: Room, id: string): Promise<TimelineEntry> {
  const item = room.timeline.get(id) ?? (await room.timeline.lookup(id))
  if (!item || !item.file)
    throw new Error('That message is not a file in this room (or not loaded).')
  if (item.deleted) throw new Error('That file was deleted.')
  return item
}

async function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(
    () => true,
    () => false,
  )
}

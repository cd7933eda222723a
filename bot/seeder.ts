import type { SyncProgress } from '../src/shared/types'
import type { LinkupClient } from './client'
import { short, type Logger } from './log'

// Seeding: the bot holds a full copy of its rooms so they stay readable, and their files
// downloadable, while every person is offline.
//
// History: the engine replicates every writer of a joined room and serves it to any
// member; the seeder reports when a room is fully held.
//
// Files: every file and voice note of every writer, found by scanning the writer cores
// on disk (client.scanFiles), whatever their age: not only what a page of history
// shows. A failed download is retried with exponential back-off, for as long as the
// seeder runs; a file its author deleted is dropped.

export interface SeederOptions {
  /** First retry delay; doubles per failure up to retryMaxMs. */
  retryBaseMs?: number
  retryMaxMs?: number
  /** Downloads at once. */
  concurrency?: number
  /**
   * Bytes of files kept per writer and room: anyone with the room key can post file
   * entries, so one member cannot make the bot fill its disk. Later files are skipped.
   */
  maxBytesPerWriter?: number
}

export interface Seeder {
  stop(): void
}

const RETRY_BASE_MS = 1000
const RETRY_MAX_MS = 5 * 60_000
const CONCURRENCY = 2
const MAX_BYTES_PER_WRITER = 4 * 1024 ** 3
/** New blocks are scanned for files at most this often. */
const SCAN_DELAY_MS = 300
/** And at least this often, in case a hole in a core was filled without an event. */
const SCAN_EVERY_MS = 15_000

interface Job {
  room: string
  id: string
  attempt: number
}

export function startSeeder(client: LinkupClient, log: Logger, opts: SeederOptions = {}): Seeder {
  const retryBase = opts.retryBaseMs ?? RETRY_BASE_MS
  const retryMax = opts.retryMaxMs ?? RETRY_MAX_MS
  const concurrency = opts.concurrency ?? CONCURRENCY
  const maxBytesPerWriter = opts.maxBytesPerWriter ?? MAX_BYTES_PER_WRITER
  /** Bytes taken on per `${room}/${writer}`, and writers already told about. */
  const taken = new Map<string, number>()
  const overBudget = new Set<string>()
  const complete = new Map<string, boolean>()
  const cursors = new Map<string, Map<string, number>>()
  /** Files known, by `${room}/${id}`: queued, running, waiting to retry, or held. */
  const known = new Set<string>()
  const deleted = new Set<string>()
  const retries = new Set<NodeJS.Timeout>()
  const queue: Job[] = []
  let running = 0
  let stopped = false
  let scanTimer: NodeJS.Timeout | null = null
  let scanning: Promise<void> | null = null
  let rescan = false

  // The first full catch-up of a room is news; after that every incoming message makes a
  // room briefly incomplete, which is only worth a debug line.
  const caughtUp = new Set<string>()
  const onProgress = (p: SyncProgress) => {
    const done = p.total > 0 && p.have >= p.total
    if (done && !complete.get(p.room)) {
      const level = caughtUp.has(p.room) ? 'debug' : 'info'
      log[level](`room ${short(p.room)}: holding all ${p.total} block(s) of its history`)
      caughtUp.add(p.room)
    } else if (!done) {
      log.debug(`room ${short(p.room)}: holding ${p.have} of ${p.total} blocks`)
    }
    complete.set(p.room, done)
    scanSoon()
  }

  const pump = () => {
    while (!stopped && running < concurrency && queue.length) {
      const job = queue.shift()!
      if (deleted.has(`${job.room}/${job.id}`)) continue
      running++
      client.node
        .download(job.room, job.id)
        .then(() => log.info(`room ${short(job.room)}: keeping file ${job.id}`))
        .catch((err: any) => retry(job, err))
        .finally(() => {
          running--
          pump()
        })
    }
  }

  const retry = (job: Job, err: any) => {
    if (stopped || deleted.has(`${job.room}/${job.id}`)) return
    if (!client.rooms().some((r) => r.key === job.room)) return
    const delay = Math.min(retryMax, retryBase * 2 ** job.attempt)
    log.warn(
      `room ${short(job.room)}: could not fetch file ${job.id} (${err?.message ?? err}); retrying in ${delay / 1000} s`,
    )
    const timer = setTimeout(() => {
      retries.delete(timer)
      queue.push({ ...job, attempt: job.attempt + 1 })
      pump()
    }, delay)
    timer.unref?.()
    retries.add(timer)
  }

  const scanRoom = async (room: string) => {
    let roomCursors = cursors.get(room)
    if (!roomCursors) cursors.set(room, (roomCursors = new Map()))
    const found = await client.scanFiles(room, roomCursors)
    for (const id of found.deleted) deleted.add(`${room}/${id}`)
    for (const { id, writer, size } of found.files) {
      const k = `${room}/${id}`
      if (known.has(k) || deleted.has(k)) continue
      known.add(k)
      const w = `${room}/${writer}`
      const bytes = (taken.get(w) ?? 0) + size
      if (bytes > maxBytesPerWriter) {
        if (!overBudget.has(w))
          log.warn(
            `room ${short(room)}: member ${short(writer)} shared more than the bot keeps; skipping the rest`,
          )
        overBudget.add(w)
        continue
      }
      taken.set(w, bytes)
      queue.push({ room, id, attempt: 0 })
    }
  }

  const scan = (): Promise<void> => {
    if (scanning) {
      rescan = true
      return scanning
    }
    scanning = (async () => {
      do {
        rescan = false
        for (const room of client.rooms()) {
          if (stopped) return
          await scanRoom(room.key).catch((err) =>
            log.warn(`seeding: could not scan room ${short(room.key)}: ${err?.message ?? err}`),
          )
        }
        pump()
      } while (rescan && !stopped)
    })().finally(() => (scanning = null))
    return scanning
  }

  function scanSoon(): void {
    if (scanTimer || stopped) return
    scanTimer = setTimeout(() => {
      scanTimer = null
      void scan()
    }, SCAN_DELAY_MS)
    scanTimer.unref?.()
  }

  const onEntry = () => scanSoon()
  const every = setInterval(() => void scan(), SCAN_EVERY_MS)
  every.unref?.()

  client.on('sync:progress', onProgress)
  client.on('entry', onEntry)
  log.info(`seeding ${client.rooms().length} room(s): history of every writer, and files`)
  void scan()

  return {
    stop() {
      stopped = true
      client.off('sync:progress', onProgress)
      client.off('entry', onEntry)
      clearInterval(every)
      if (scanTimer) clearTimeout(scanTimer)
      for (const timer of retries) clearTimeout(timer)
      retries.clear()
      queue.length = 0
    },
  }
}

import type { SyncProgress, TimelineEntry } from '../src/shared/types'
import type { LinkupClient } from './client'
import { short, type Logger } from './log'

// Seeding: the bot holds a full copy of its rooms so they stay readable, and their files
// downloadable, while every person is offline.
//
// History: the engine already replicates every writer of a joined room and serves it
// to any member; the seeder reports when a room is fully held.
//
// Files: FILES HOOK. Once the files engine lands, the node gets a way to fetch a shared
// file into local storage; the seeder calls it for every file and voice-note entry
// (new ones as they arrive; at start, those in the newest page of history, since paging
// a whole large room into memory is the engine's job, not the bot's). Until then it logs once that file
// seeding waits for the engine. The expected engine call is typed loosely below.
type MaybeFileDownload = { download?: (room: string, entryId: string) => Promise<unknown> }

export interface Seeder {
  stop(): void
}

export function startSeeder(client: LinkupClient, log: Logger): Seeder {
  const complete = new Map<string, boolean>()
  const fetched = new Set<string>()
  let warnedNoFiles = false
  let stopped = false

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
  }

  const seedFile = (entry: TimelineEntry) => {
    if (stopped || !entry.file || entry.deleted || fetched.has(entry.id)) return
    const engine = client.node as unknown as MaybeFileDownload
    if (typeof engine.download !== 'function') {
      if (!warnedNoFiles)
        log.warn('file seeding waits for the files engine (node.download is not there yet)')
      warnedNoFiles = true
      return
    }
    fetched.add(entry.id)
    engine.download
      .call(client.node, entry.room, entry.id)
      .then(() => log.info(`room ${short(entry.room)}: keeping file ${entry.id}`))
      .catch((err: any) => {
        fetched.delete(entry.id)
        log.warn(
          `room ${short(entry.room)}: could not fetch file ${entry.id}: ${err?.message ?? err}`,
        )
      })
  }

  const onEntry = (entry: TimelineEntry) => {
    if (entry.kind === 'file' || entry.kind === 'audio') seedFile(entry)
  }

  client.on('sync:progress', onProgress)
  client.on('entry', onEntry)
  log.info(`seeding ${client.rooms().length} room(s): history of every writer, and files`)
  void (async () => {
    for (const room of client.rooms()) {
      for (const entry of await client.history(room.key)) onEntry(entry)
    }
  })().catch((err) => log.warn(`seeding: could not read history: ${err?.message ?? err}`))

  return {
    stop() {
      stopped = true
      client.off('sync:progress', onProgress)
      client.off('entry', onEntry)
    },
  }
}

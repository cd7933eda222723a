import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from './atomic'

// How long this member's own writer core was in each room at the last clean close, kept
// in heads.json beside the corestore. RocksDB recovers a truncated or garbled log by
// dropping what it cannot read, and opens without a word; comparing with these lengths
// turns that silent loss into a clear error naming the room. A crash leaves the file
// older (shorter) than the store, which never raises a false alarm.

const HeadsSchema = z.record(z.string().regex(/^[0-9a-f]{64}$/u), z.number().int().nonnegative())

export interface DamagedRoom {
  room: string
  name: string
  message: string
}

export class Heads {
  private readonly file: string

  constructor(readonly storage: string) {
    this.file = path.join(storage, 'heads.json')
  }

  /** The recorded lengths; a missing or unreadable file records nothing. */
  async load(): Promise<Record<string, number>> {
    try {
      const parsed = HeadsSchema.safeParse(JSON.parse(await fs.readFile(this.file, 'utf8')))
      return parsed.success ? parsed.data : {}
    } catch {
      return {}
    }
  }

  save(lengths: Record<string, number>): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(lengths))
  }

  /** Rooms whose own history is shorter than it was at the last clean close. */
  damaged(
    recorded: Record<string, number>,
    rooms: Array<{ key: string; name: string; length: number }>,
  ): DamagedRoom[] {
    return rooms
      .filter((r) => (recorded[r.key] ?? 0) > r.length)
      .map((r) => ({
        room: r.key,
        name: r.name,
        message:
          `The history of room “${r.name}” in ${path.join(this.storage, 'cores')} is damaged: ` +
          `your own messages there numbered ${recorded[r.key]} blocks at the last close and ` +
          `${r.length} now (a file in the folder was truncated or garbled). The room still opens ` +
          'and members who hold a copy send the rest again; keep a copy of the folder before repairing it.',
      }))
  }
}

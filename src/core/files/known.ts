import fs from 'node:fs/promises'
import { z } from 'zod'
import { writeFileAtomic } from '../atomic'
import type { BlobId } from './drive'

// What this node has verified about file references (their bytes are here and match,
// or they are broken), kept in files.json so a restart does not show downloaded files
// as remote again. It is a cache of checks, not user data: a file that does not parse
// is ignored and rebuilt, and blocks that went missing since are noticed on reading.

const MAX_ENTRIES = 20_000
const SAVE_DELAY_MS = 500

export type Known = { state: 'ready'; blob: BlobId } | { state: 'broken'; reason: string }

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const KnownSchema = z.union([
  z.object({
    state: z.literal('ready'),
    blob: z.object({
      blockOffset: count,
      blockLength: count,
      byteOffset: count,
      byteLength: count,
    }),
  }),
  z.object({ state: z.literal('broken'), reason: z.string().max(200) }),
])
const FileSchema = z.object({
  version: z.literal(1),
  known: z.array(z.tuple([z.string().max(700), KnownSchema])).max(MAX_ENTRIES),
})

/** The entries of a files.json text; an unreadable cache is empty (files are checked again). */
export function parseKnownFiles(text: string): Array<[string, Known]> {
  try {
    const parsed = FileSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data.known : []
  } catch {
    return []
  }
}

/** The schema of one entry, so tests can check what parseKnownFiles returns. */
export const KnownEntrySchema = z.tuple([z.string().max(700), KnownSchema])

export class KnownFiles {
  private readonly map = new Map<string, Known>()
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> = Promise.resolve()

  constructor(private readonly file: string | null) {}

  async load(): Promise<void> {
    if (!this.file) return
    const text = await fs.readFile(this.file, 'utf8').catch(() => null)
    if (text === null) return
    for (const [key, known] of parseKnownFiles(text)) this.map.set(key, known)
  }

  get(key: string): Known | undefined {
    return this.map.get(key)
  }

  set(key: string, known: Known): void {
    this.map.delete(key) // newest last, so the oldest go first when the cap is reached
    this.map.set(key, known)
    while (this.map.size > MAX_ENTRIES) this.map.delete(this.map.keys().next().value!)
    this.schedule()
  }

  delete(key: string): void {
    if (this.map.delete(key)) this.schedule()
  }

  private schedule(): void {
    if (!this.file || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.save()
    }, SAVE_DELAY_MS)
  }

  private save(): Promise<void> {
    const data = JSON.stringify({ version: 1, known: [...this.map] })
    this.writing = this.writing.then(() => writeFileAtomic(this.file!, data).catch(() => {}))
    return this.writing
  }

  /** Writes pending changes now (on close). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
      await this.save()
    }
    await this.writing
  }
}

import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'

// Helpers for the file-transfer benchmark: a random source file and a hash to check
// every received copy against (outside the timed window).

const CHUNK = 1024 * 1024

export async function randomFile(file: string, bytes: number): Promise<void> {
  const out = await fsp.open(file, 'w')
  try {
    for (let written = 0; written < bytes; written += CHUNK)
      await out.write(randomBytes(Math.min(CHUNK, bytes - written)))
  } finally {
    await out.close()
  }
}

export async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK })) hash.update(chunk)
  return hash.digest('hex')
}

/** MB/s with MB = 10^6 bytes. */
export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000)
}

export const MiB = 1024 * 1024

import fs from 'node:fs/promises'
import path from 'node:path'

/**
 * Writes a file so that a crash leaves either the old or the new content, never a torn
 * one: write a temp file beside it, fsync, rename over, fsync the folder.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode = 0o600,
): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`,
  )
  const handle = await fs.open(tmp, 'w', mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fs.rename(tmp, file)
  const dir = await fs.open(path.dirname(file), 'r').catch(() => null)
  if (dir) {
    await dir.sync().catch(() => {})
    await dir.close()
  }
}

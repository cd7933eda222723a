import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import createTestnet from 'hyperdht/testnet.js'

// The fixture every network test uses: a private DHT bound to 127.0.0.1 and fresh
// data folders that are removed afterwards. Nothing here touches the public DHT.

export interface Testnet {
  bootstrap: Array<{ host: string; port: number }>
  destroy(): Promise<void>
}

export async function testnet(size = 3): Promise<Testnet> {
  return createTestnet(size, { host: '127.0.0.1' })
}

const made: string[] = []

export async function tempDir(prefix = 'linkup-test-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })))
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>

/** Polls until check() returns a truthy value, or fails with what it was waiting for. */
export async function until<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 15000,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value as Truthy<T>
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

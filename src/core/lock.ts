import fs from 'node:fs'
import path from 'node:path'

/**
 * One process per data folder. The lock file holds the owner's pid; a lock whose
 * process is gone (killed, crashed) is taken over, a live one is a clear error.
 */
export class StorageLock {
  private readonly file: string
  private held = false

  constructor(storage: string) {
    this.file = path.join(storage, 'linkup.lock')
  }

  acquire(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(this.file, 'wx', 0o600)
        fs.writeSync(fd, String(process.pid))
        fs.closeSync(fd)
        this.held = true
        return
      } catch (err: any) {
        if (err.code !== 'EEXIST') throw err
        const owner = Number(fs.readFileSync(this.file, 'utf8').trim())
        if (owner && owner !== process.pid && isAlive(owner)) {
          throw new Error(
            `The data folder ${path.dirname(this.file)} is in use by another LinkUp process (pid ${owner}). ` +
              'Close it, or start this one with a different --storage folder.',
          )
        }
        if (owner === process.pid) {
          throw new Error(
            `The data folder ${path.dirname(this.file)} is already open in this process.`,
          )
        }
        fs.rmSync(this.file, { force: true })
      }
    }
    throw new Error(`Could not lock the data folder ${path.dirname(this.file)}.`)
  }

  release(): void {
    if (!this.held) return
    this.held = false
    fs.rmSync(this.file, { force: true })
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err.code === 'EPERM'
  }
}

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// A small disk of its own for a test: a tmpfs mounted in a fresh folder (root only, as
// on CI and the development machines), filled on demand, made read-only on demand.

export const canMount = process.getuid?.() === 0

export class SmallDisk {
  private constructor(readonly dir: string) {}

  static mount(sizeMiB: number): SmallDisk {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linkup-disk-'))
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir])
    return new SmallDisk(dir)
  }

  get free(): number {
    const s = fs.statfsSync(this.dir)
    return s.bavail * s.bsize
  }

  /** Writes a filler file until at most `leaveBytes` are free. */
  fill(leaveBytes: number): void {
    const fd = fs.openSync(path.join(this.dir, 'filler'), 'a')
    const chunk = Buffer.alloc(1024 * 1024, 1)
    try {
      while (this.free > leaveBytes) {
        const n = Math.min(chunk.length, this.free - leaveBytes)
        fs.writeSync(fd, chunk, 0, Math.max(n, 4096))
      }
    } catch (err: any) {
      if (err.code !== 'ENOSPC') throw err
    } finally {
      fs.closeSync(fd)
    }
  }

  /** Space returns. */
  empty(): void {
    fs.rmSync(path.join(this.dir, 'filler'), { force: true })
  }

  readOnly(ro: boolean): void {
    execFileSync('mount', ['-o', `remount,${ro ? 'ro' : 'rw'}`, this.dir])
  }

  unmount(): void {
    try {
      execFileSync('umount', ['-l', this.dir])
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true })
    }
  }
}

import fs from 'node:fs'

// Memory figures of this process. Peak RSS comes from the kernel's high-water mark
// (VmHWM), which catches short spikes a sampling timer would miss; writing 5 to
// /proc/self/clear_refs resets it, so a child can exclude its own set-up.

const MiB = 1024 * 1024

export function rssMiB(): number {
  return process.memoryUsage().rss / MiB
}

export function heapMiB(): number {
  return process.memoryUsage().heapUsed / MiB
}

function statusKiB(field: string): number | null {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8')
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
    return m ? Number(m[1]) : null
  } catch {
    return null
  }
}

let sampledPeak = 0
let sampler: NodeJS.Timeout | null = null
/** False once a reset failed: the kernel's mark would then still hold the set-up's peak. */
let hwmValid = true

/** Starts counting peak RSS from now on. */
export function resetPeakRss(): void {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5')
  } catch {
    hwmValid = false
  }
  sampledPeak = rssMiB()
  if (!sampler) {
    sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rssMiB())), 50)
    sampler.unref()
  }
}

/** Peak RSS since the last reset (or process start), MiB. */
export function peakRssMiB(): number {
  const hwm = hwmValid ? statusKiB('VmHWM') : null
  const sampled = Math.max(sampledPeak, rssMiB())
  return hwm === null ? sampled : Math.max(hwm / 1024, sampled)
}

/** Full collection when the process runs with --expose-gc; a no-op otherwise. */
export async function settle(rounds = 3): Promise<void> {
  const gc = (globalThis as any).gc as (() => void) | undefined
  for (let n = 0; n < rounds; n++) {
    gc?.()
    await new Promise((r) => setTimeout(r, 20))
  }
}

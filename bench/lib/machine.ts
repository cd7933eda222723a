import os from 'node:os'

export interface Machine {
  cpu: string
  cores: number
  node: string
  date: string
  /** 1, 5 and 15 minute load averages when the run started: other work skews every figure. */
  load: number[]
}

export function machine(): Machine {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    date: new Date().toISOString(),
    load: os.loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

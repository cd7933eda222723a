import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

// Engines in child processes (tests/reliability/engine-child.ts), for tests that kill
// them. The child is bundled once with esbuild (packages stay external, loaded from
// node_modules) so that each of hundreds of restarts costs a plain `node` start.

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..', '..')
// One bundle per test process: two test files building into one path at once would race.
const BUNDLE = path.join(
  ROOT,
  'node_modules',
  '.cache',
  'linkup-reliability',
  `engine-child-${process.pid}.mjs`,
)

let built: Promise<void> | null = null

export function buildChild(): Promise<void> {
  built ??= build({
    entryPoints: [path.join(HERE, 'engine-child.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  }).then(() => {
    process.once('exit', () => fs.rmSync(BUNDLE, { force: true }))
  })
  return built
}

export interface ChildArgs {
  storage: string
  bootstrap: Array<{ host: string; port: number }>
  room: string
  name: string
}

/** One engine process: commands in, events out. */
export class EngineProcess extends EventEmitter {
  readonly proc: ChildProcess
  readonly exited: Promise<number | null>
  private readonly stderr: string[] = []

  private constructor(readonly args: ChildArgs) {
    super()
    this.proc = spawn(process.execPath, [BUNDLE, JSON.stringify(args)], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    this.proc.stdin!.on('error', () => {})
    readline.createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      let msg: any
      try {
        msg = JSON.parse(line)
      } catch {
        return
      }
      this.emit('message', msg)
      this.emit(msg.ev, msg)
    })
    this.proc.stderr!.on('data', (d) => {
      this.stderr.push(String(d))
      if (this.stderr.length > 50) this.stderr.shift()
    })
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)))
  }

  static async start(args: ChildArgs, timeoutMs = 60_000): Promise<EngineProcess> {
    await buildChild()
    const child = new EngineProcess(args)
    const ready = await child.next(['ready', 'open-failed'], timeoutMs)
    if (ready.ev !== 'ready') {
      child.kill()
      throw new Error(`engine ${args.name} did not open ${args.storage}: ${ready.error}`)
    }
    return child
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null
  }

  send(cmd: unknown): void {
    if (this.alive) this.proc.stdin!.write(JSON.stringify(cmd) + '\n')
  }

  /** The next event among `events`, or a rejection naming what was awaited. */
  next(events: string[], timeoutMs = 30_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const onMessage = (msg: any) => {
        if (!events.includes(msg.ev)) return
        done()
        resolve(msg)
      }
      const onExit = (code: number | null) => {
        done()
        reject(
          new Error(
            `engine ${this.args.name} exited (${code}) awaiting ${events}: ${this.stderr.join('').slice(-2000)}`,
          ),
        )
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`engine ${this.args.name}: no ${events} within ${timeoutMs} ms`))
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        this.off('message', onMessage)
        this.proc.off('exit', onExit)
      }
      this.on('message', onMessage)
      this.proc.once('exit', onExit)
    })
  }

  async timeline(): Promise<{ entries: Array<{ id: string; text: string }>; peers: number }> {
    this.send({ op: 'timeline' })
    return this.next(['timeline'], 60_000)
  }

  /** A clean close: the engine flushes and exits. */
  async close(): Promise<void> {
    if (!this.alive) return
    this.send({ op: 'close' })
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 30_000))])
    if (this.alive) this.kill()
  }

  /** SIGKILL: no flush, no close, exactly what a crash or `kill -9` does. */
  kill(): Promise<number | null> {
    if (this.alive) this.proc.kill('SIGKILL')
    return this.exited
  }
}

/** A small seeded PRNG (mulberry32), so a run's faults replay from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

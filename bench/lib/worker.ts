import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// Runs part of a benchmark in a fresh Node process, so memory figures and GC pauses
// belong to one engine (or one side of a transfer) and to nothing else. The child
// imports a module and answers calls to the functions it exports as `worker`.

const MAIN = fileURLToPath(new URL('./worker-main.ts', import.meta.url))

export interface Worker {
  readonly pid: number
  call<T = any>(fn: string, ...args: unknown[]): Promise<T>
  /** Events the child sends with notify(). */
  on(event: string, cb: (data: any) => void): void
  close(): Promise<void>
}

export interface SpawnOptions {
  /** Extra node flags, e.g. ['--cpu-prof']. */
  execArgv?: string[]
  /** Kills the child when a call takes longer than this. */
  callTimeoutMs?: number
}

export function spawnWorker(modulePath: string, opts: SpawnOptions = {}): Worker {
  // `npm run bench -- --prof` profiles every process of a benchmark, workers included.
  const prof = process.env.LINKUP_BENCH_PROF
  const profArgs = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []
  const child: ChildProcess = fork(MAIN, [modulePath], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...profArgs, ...(opts.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const calls = new Map<number, { resolve(v: any): void; reject(e: Error): void }>()
  const listeners = new Map<string, Array<(data: any) => void>>()
  let nextId = 0
  let exited = false
  // Calls wait for the child to have imported its module and listen for messages.
  let markReady: () => void
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true
      for (const c of calls.values())
        c.reject(new Error(`worker ${modulePath} exited (${code ?? signal}) during a call`))
      calls.clear()
      resolve()
    }),
  )
  child.on('message', (msg: any) => {
    if (msg.type === 'event') {
      if (msg.event === 'ready') markReady()
      for (const cb of listeners.get(msg.event) ?? []) cb(msg.data)
      return
    }
    const pending = calls.get(msg.id)
    if (!pending) return
    calls.delete(msg.id)
    if (msg.ok) pending.resolve(msg.value)
    else pending.reject(new Error(msg.error))
  })
  return {
    pid: child.pid!,
    async call(fn, ...args) {
      await Promise.race([ready, exitedPromise])
      if (exited) throw new Error(`worker ${modulePath} has exited`)
      const id = nextId++
      return new Promise((resolve, reject) => {
        const timeoutMs = opts.callTimeoutMs ?? 120_000
        const timer = setTimeout(() => {
          calls.delete(id)
          child.kill('SIGKILL')
          reject(new Error(`worker call ${fn} took more than ${timeoutMs} ms`))
        }, timeoutMs)
        calls.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        })
        child.send({ type: 'call', id, fn, args })
      })
    },
    on(event, cb) {
      listeners.set(event, [...(listeners.get(event) ?? []), cb])
    },
    async close() {
      if (exited) return
      child.send({ type: 'exit' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exitedPromise
      clearTimeout(timer)
    },
  }
}

/** In a child: sends an event to the parent. A no-op in the main process. */
export function notify(event: string, data: unknown): void {
  process.send?.({ type: 'event', event, data })
}

import { pathToFileURL } from 'node:url'

// Entry of a worker child (see worker.ts): imports the module named on the command
// line and runs the calls the parent sends, one reply per call. The exported
// `worker.close` (if any) runs before exit so data folders are released.

const mod = await import(pathToFileURL(process.argv[2]).href)
const api: Record<string, (...args: any[]) => any> = mod.worker ?? {}

async function exit(code: number): Promise<never> {
  await Promise.resolve(api.close?.()).catch(() => {})
  process.exit(code)
}

process.on('disconnect', () => void exit(0))
process.on('message', async (msg: any) => {
  if (msg.type === 'exit') return void exit(0)
  if (msg.type !== 'call') return
  try {
    const fn = api[msg.fn]
    if (typeof fn !== 'function') throw new Error(`worker has no function ${msg.fn}`)
    const value = await fn(...msg.args)
    process.send!({ type: 'result', id: msg.id, ok: true, value })
  } catch (err: any) {
    process.send!({ type: 'result', id: msg.id, ok: false, error: err?.stack ?? String(err) })
  }
})
process.send!({ type: 'event', event: 'ready', data: null })

import { randomBytes } from 'node:crypto'
import { LinkupNode } from '../../src/core/node'
import { tempDir, testnet } from '../helpers/net'
import { EngineProcess, prng } from './engines'

// The chaos test: N engines in their own processes on a private testnet, all sending
// into one room, while a seeded driver closes their connections, restarts them cleanly,
// and SIGKILLs them and reopens their data folders. Then the driver stops, the mesh
// heals, and every timeline must be the same list of entry ids in the same order,
// holding every message whose send() resolved; each folder must then open as it is.

export interface ChaosOptions {
  engines: number
  durationMs: number
  healMs: number
  seed: number
  log?: (line: string) => void
}

export interface ChaosReport {
  seed: number
  engines: number
  durationMs: number
  faults: { drops: number; restarts: number; kills: number }
  resolved: number
  failedSends: number
  entries: number
  healMs: number
  /** Empty when the run passed. */
  problems: string[]
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => {})
  const rand = prng(opts.seed)
  const net = await testnet()
  const room = randomBytes(32).toString('hex')
  const storages = await Promise.all(
    Array.from({ length: opts.engines }, () => tempDir('linkup-chaos-')),
  )
  const engines: Array<EngineProcess | null> = []
  const busy = new Set<number>()
  const resolved = new Set<string>()
  const faults = { drops: 0, restarts: 0, kills: 0 }
  const generation = storages.map(() => 0)
  const intervals = storages.map(() => 200 + Math.floor(rand() * 600))
  let failedSends = 0
  const problems: string[] = []
  const report = (entries: number, healMs: number): ChaosReport => ({
    seed: opts.seed,
    engines: opts.engines,
    durationMs: opts.durationMs,
    faults,
    resolved: resolved.size,
    failedSends,
    entries,
    healMs,
    problems,
  })

  const start = async (i: number, sending: boolean) => {
    const child = await EngineProcess.start({
      storage: storages[i],
      bootstrap: net.bootstrap,
      room,
      name: `e${i}`,
    })
    child.on('sent', (m) => resolved.add(m.text))
    child.on('send-failed', () => failedSends++)
    engines[i] = child
    if (sending)
      child.send({ op: 'send-loop', prefix: `e${i}.g${generation[i]++}`, intervalMs: intervals[i] })
  }

  try {
    for (let i = 0; i < opts.engines; i++) await start(i, true)
    log(
      `${opts.engines} engines up, driver running for ${opts.durationMs / 1000} s (seed ${opts.seed})`,
    )
    const pending: Promise<void>[] = []
    const deadline = Date.now() + opts.durationMs
    while (Date.now() < deadline) {
      await sleep(200 + Math.floor(rand() * 800))
      const i = Math.floor(rand() * opts.engines)
      const action = rand()
      const wait = Math.floor(rand() * 2000)
      if (busy.has(i) || !engines[i]) continue
      if (action < 0.4) {
        faults.drops++
        engines[i]!.send({ op: 'drop' })
        continue
      }
      busy.add(i)
      const kill = action >= 0.7
      if (kill) faults.kills++
      else faults.restarts++
      pending.push(
        (async () => {
          const old = engines[i]!
          engines[i] = null
          if (kill) await old.kill()
          else await old.close()
          await sleep(wait)
          await start(i, true)
          busy.delete(i)
        })().catch((err) => void problems.push(`restart of e${i} failed: ${err.message}`)),
      )
    }
    await Promise.all(pending)
    log(`driver stopped: ${faults.drops} drops, ${faults.restarts} restarts, ${faults.kills} kills`)
    if (problems.length) return report(0, 0)

    await Promise.all(
      engines.map((e) => {
        e!.send({ op: 'stop' })
        return e!.next(['stopped'])
      }),
    )
    // Sends that resolved after 'stopped' was written are impossible: the loop checks it.
    const healStart = Date.now()
    let agreed: Array<{ id: string; text: string }> = []
    for (;;) {
      const timelines = await Promise.all(engines.map((e) => e!.timeline()))
      const ids = timelines.map((t) => t.entries.map((e) => e.id).join('\n'))
      const texts = new Set(timelines[0].entries.map((e) => e.text))
      const missing = [...resolved].filter((t) => !texts.has(t))
      if (ids.every((x) => x === ids[0]) && missing.length === 0) {
        agreed = timelines[0].entries
        break
      }
      if (Date.now() - healStart > opts.healMs) {
        const lengths = timelines.map((t) => `${t.entries.length}/${t.peers}p`).join(' ')
        problems.push(
          `not healed after ${opts.healMs / 1000} s: entries/peers per engine ${lengths}; ` +
            `${missing.length} resolved sends missing from e0 (e.g. ${missing.slice(0, 3).join(', ')})`,
        )
        return report(timelines[0].entries.length, Date.now() - healStart)
      }
      await sleep(2000)
    }
    const healMs = Date.now() - healStart
    log(
      `healed in ${(healMs / 1000).toFixed(1)} s: ${agreed.length} entries on all ${opts.engines} engines`,
    )

    // Every folder opens as it is, with the agreed history, and no repair step.
    await Promise.all(engines.map((e) => e!.close()))
    engines.length = 0
    const want = agreed.map((e) => e.id).join('\n')
    for (const [i, storage] of storages.entries()) {
      const node = new LinkupNode({ storage, bootstrap: net.bootstrap, host: '127.0.0.1' })
      try {
        await node.ready()
        if (node.damaged.length)
          problems.push(`e${i}'s folder reports damage: ${node.damaged[0].message}`)
        const ids: string[] = []
        let before: string | undefined
        for (;;) {
          const page = await node.history(room, { before, limit: 1000 })
          ids.unshift(...page.map((e) => e.id))
          if (page.length < 1000) break
          before = page[0].order
        }
        if (ids.join('\n') !== want)
          problems.push(
            `e${i}'s folder reopened with ${ids.length} entries, not the agreed ${agreed.length}`,
          )
      } catch (err: any) {
        problems.push(`e${i}'s folder did not reopen: ${err.message}`)
      } finally {
        await node.close()
      }
    }
    return report(agreed.length, healMs)
  } finally {
    await Promise.all(engines.map((e) => e?.kill()))
    await net.destroy()
  }
}

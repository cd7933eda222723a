import { randomBytes } from 'node:crypto'
import { LinkupNode } from '../../src/core/node'
import { tempDir, testnet } from '../helpers/net'
import { EngineProcess, prng } from './engines'

// The kill test: an engine sends as fast as it can while it is SIGKILLed, again and
// again, on one data folder. Every message whose send() resolved (reported by the child
// after the promise settled) must be in the history the folder holds at the end, and
// every restart must open the folder as it is, with no repair step.

export interface KillReport {
  seed: number
  kills: number
  resolved: number
  /** Sends in flight when a kill landed (written or not: both are allowed). */
  inFlightAtKill: number
  stored: number
  lost: string[]
  ms: number
}

export async function runKill(opts: {
  kills: number
  seed: number
  log?: (line: string) => void
}): Promise<KillReport> {
  const log = opts.log ?? (() => {})
  const rand = prng(opts.seed)
  const start = Date.now()
  const net = await testnet()
  const storage = await tempDir('linkup-kill-')
  const room = randomBytes(32).toString('hex')
  const resolved = new Set<string>()
  let inFlightAtKill = 0
  try {
    for (let k = 0; k < opts.kills; k++) {
      const child = await EngineProcess.start({
        storage,
        bootstrap: net.bootstrap,
        room,
        name: 'victim',
      })
      child.on('sent', (m) => resolved.add(m.text))
      child.send({ op: 'send-loop', prefix: `k${k}`, intervalMs: 0 })
      await child.next(['sent'])
      // Kill at a random moment inside the stream of sends, not right after one resolved.
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 120)))
      await child.kill()
      inFlightAtKill++
      if ((k + 1) % 20 === 0) log(`${k + 1} kills, ${resolved.size} sends resolved so far`)
    }
    const node = new LinkupNode({ storage, bootstrap: net.bootstrap, host: '127.0.0.1' })
    await node.ready()
    // Kills never leave heads.json ahead of the store: no false alarm of damage.
    const damaged = node.damaged.map((d) => d.message)
    const texts = new Set<string>()
    let before: string | undefined
    for (;;) {
      const page = await node.history(room, { before, limit: 1000 })
      for (const e of page) texts.add(e.text)
      if (page.length < 1000) break
      before = page[0].order
    }
    await node.close()
    const lost = [...resolved].filter((t) => !texts.has(t)).concat(damaged)
    return {
      seed: opts.seed,
      kills: opts.kills,
      resolved: resolved.size,
      inFlightAtKill,
      stored: texts.size,
      lost,
      ms: Date.now() - start,
    }
  } finally {
    await net.destroy()
  }
}

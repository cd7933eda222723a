import { parseArgs } from 'node:util'
import { removeTempDirs } from '../helpers/net'
import { runChaos } from './chaos'
import { runKill } from './kill'
import { runSybil } from './sybil'

// The long reliability runs, outside `npm test` (which runs a short slice of each):
//   npm run chaos [-- --engines 10 --minutes 3 --seed S]
//   npm run reliability -- kill [--kills 200 --seed S]
//   npm run reliability -- sybil [--sybils 200 --minutes 1]
// Each prints its seed and its figures, and exits non-zero when anything was lost.

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string' },
    minutes: { type: 'string' },
    engines: { type: 'string', default: '10' },
    kills: { type: 'string', default: '200' },
    sybils: { type: 'string', default: '200' },
    'heal-minutes': { type: 'string', default: '5' },
  },
})
const which = positionals[0] ?? 'chaos'
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31)
const log = (line: string) => console.log(`  ${line}`)
let failed: string[] = []

if (which === 'chaos') {
  const minutes = Number(values.minutes ?? 3)
  console.log(
    `chaos: ${values.engines} engines, ${minutes} min, seed ${seed} (replay: npm run chaos -- --seed ${seed})`,
  )
  const r = await runChaos({
    engines: Number(values.engines),
    durationMs: minutes * 60_000,
    healMs: Number(values['heal-minutes']) * 60_000,
    seed,
    log,
  })
  console.log(
    `chaos: ${r.faults.drops} connection drops, ${r.faults.restarts} restarts, ${r.faults.kills} SIGKILLs; ` +
      `${r.resolved} sends resolved, ${r.failedSends} refused, ${r.entries} entries on every engine, ` +
      `healed in ${(r.healMs / 1000).toFixed(1)} s`,
  )
  failed = r.problems
} else if (which === 'kill') {
  console.log(`kill: ${values.kills} SIGKILLs during sends, seed ${seed}`)
  const r = await runKill({ kills: Number(values.kills), seed, log })
  console.log(
    `kill: ${r.kills} SIGKILLs in ${(r.ms / 1000).toFixed(0)} s, ${r.resolved} sends resolved, ` +
      `${r.stored} entries stored, ${r.lost.length} resolved sends lost`,
  )
  if (r.lost.length) failed = [`lost: ${r.lost.slice(0, 10).join(', ')}`]
} else if (which === 'sybil') {
  const minutes = Number(values.minutes ?? 1)
  console.log(`sybil: ${values.sybils} keyless swarms on the room's topic for ${minutes} min`)
  const r = await runSybil({
    sybils: Number(values.sybils),
    durationMs: minutes * 60_000,
    heapBoundBytes: 32 * 2 ** 20,
    log,
  })
  const mib = (n: number) => (n / 2 ** 20).toFixed(1)
  console.log(
    `sybil: the horde opened ${r.sybilConnections} connections; the honest node held at most ` +
      `${r.maxHonestConnections} at once (cap ${r.connectionCap}), dropped ${r.badHellos} malformed hellos; ` +
      `heap ${mib(r.heapBeforeBytes)} -> ${mib(r.heapAfterBytes)} MiB (bound +${mib(r.heapBoundBytes)}); ` +
      `legitimate peer disconnected ${r.legitDisconnects} times`,
  )
  failed = r.problems
} else {
  console.log(`unknown run ${which}: use chaos, kill or sybil`)
  process.exit(2)
}
await removeTempDirs()
for (const p of failed) console.log(`FAIL ${p}`)
console.log(failed.length ? `${which}: FAILED (seed ${seed})` : `${which}: passed`)
process.exit(failed.length ? 1 : 0)

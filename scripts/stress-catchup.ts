// npm run stress:catchup [-- --runs 20 --messages 10000]
// Three writers fill a room one message per block (each send awaited); then late readers
// join one after another, each must end with every message emitted exactly once, all of
// them in history(), and the room's sync report complete. Exits 1 on the first miss.
import { parseArgs } from 'node:util'
import { lateReader, fillRoom } from '../tests/helpers/catchup'
import { Cluster } from '../tests/helpers/nodes'
import { removeTempDirs } from '../tests/helpers/net'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    messages: { type: 'string', default: '10000' },
    'timeout-ms': { type: 'string', default: '120000' },
  },
})
const runs = Number(values.runs)
const total = Number(values.messages)
const timeoutMs = Number(values['timeout-ms'])
if (!(runs > 0 && total > 0 && timeoutMs > 0)) {
  console.error('usage: npm run stress:catchup -- [--runs N] [--messages N] [--timeout-ms MS]')
  process.exit(2)
}

const cluster = await Cluster.start()
let failed = 0
try {
  const t0 = performance.now()
  const { room } = await fillRoom(cluster, total)
  console.log(
    `3 writers wrote ${total} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  for (let run = 1; run <= runs; run++) {
    try {
      const r = await lateReader(cluster, room, total, run, timeoutMs)
      console.log(
        `run ${run}/${runs}: ${r.emitted}/${total} emitted once each, ${r.ms.toFixed(0)} ms`,
      )
    } catch (err: any) {
      failed++
      console.log(`run ${run}/${runs}: FAILED ${err.message}`)
    }
  }
} finally {
  await cluster.close()
  await removeTempDirs()
}
console.log(`${runs - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)

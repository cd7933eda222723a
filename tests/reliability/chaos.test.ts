import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { removeTempDirs } from '../helpers/net'
import { runChaos } from './chaos'

// The short slice of `npm run chaos`: 4 engines for 20 s of drops, restarts and kills.

after(() => removeTempDirs())

test('engines that are dropped, restarted and killed while sending heal to one timeline', async () => {
  const seed = Math.floor(Math.random() * 2 ** 31)
  const r = await runChaos({ engines: 4, durationMs: 20_000, healMs: 120_000, seed })
  assert.deepEqual(
    r.problems,
    [],
    `replay: npm run chaos -- --engines 4 --minutes 0.34 --seed ${seed}`,
  )
  assert.ok(r.faults.restarts + r.faults.kills > 0, `seed ${seed} made no restart`)
  assert.ok(r.resolved > 0 && r.entries >= r.resolved)
})

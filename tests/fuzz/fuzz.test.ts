import assert from 'node:assert/strict'
import { test } from 'node:test'
import { problems, runFuzz } from './fuzz'

// The short slice of `npm run fuzz` that `npm test` runs: every target, a few thousand
// inputs in all, on a fresh seed each time (printed on failure, for replay).

const INPUTS = 12_000

test('every decoder of outside bytes returns a schema-valid value or throws its own error', async () => {
  const seed = Math.floor(Math.random() * 2 ** 31)
  const report = await runFuzz({
    inputs: INPUTS,
    seed,
    maxMs: 120_000,
    heapBoundBytes: 32 * 2 ** 20,
  })
  assert.deepEqual(
    problems(report, INPUTS),
    [],
    `seed ${seed}: npm run fuzz -- --seed ${seed} --inputs ${INPUTS}`,
  )
  for (const t of report.perTarget) assert.ok(t.inputs > 0, `${t.name} ran no input`)
})

import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { removeTempDirs } from '../helpers/net'
import { runSybil } from './sybil'

// The short slice of `npm run reliability -- sybil`: 40 keyless swarms for 8 s.

after(() => removeTempDirs())

test('keyless swarms on a room topic stay capped and do not cut off a legitimate peer', async () => {
  const r = await runSybil({ sybils: 40, durationMs: 8_000, heapBoundBytes: 32 * 2 ** 20 })
  assert.deepEqual(r.problems, [])
  assert.ok(r.sybilConnections > 0 && r.maxHonestConnections <= r.connectionCap)
})

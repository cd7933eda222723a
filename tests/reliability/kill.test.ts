import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { removeTempDirs } from '../helpers/net'
import { runKill } from './kill'

// The short slice of `npm run reliability -- kill`: a few SIGKILLs during sends.

after(() => removeTempDirs())

test('SIGKILL during sends loses no message whose send() resolved', async () => {
  const seed = Math.floor(Math.random() * 2 ** 31)
  const r = await runKill({ kills: 5, seed })
  assert.ok(r.resolved >= 5, `only ${r.resolved} sends resolved (seed ${seed})`)
  assert.deepEqual(r.lost, [], `seed ${seed}`)
  assert.ok(r.stored >= r.resolved)
})

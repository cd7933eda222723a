import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RateLimiter } from '../../bot/ratelimit'
import { clean, createLogger } from '../../bot/log'

test('a burst of 3, then 2 a second, per key', () => {
  let now = 0
  const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 2 }, () => now)
  assert.deepEqual(
    [1, 2, 3, 4].map(() => limiter.take('a')),
    [true, true, true, false],
  )
  assert.equal(limiter.take('b'), true, 'another member has its own bucket')
  now += 499
  assert.equal(limiter.take('a'), false)
  now += 1
  assert.equal(limiter.take('a'), true)
  now += 60_000
  assert.deepEqual(
    [1, 2, 3, 4].map(() => limiter.take('a')),
    [true, true, true, false],
    'refills only up to capacity',
  )
})

test('the limiter forgets old buckets instead of growing without bound', () => {
  let now = 0
  const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 1 }, () => now, 100)
  for (let i = 0; i < 1000; i++) limiter.take(`k${i}`)
  assert.ok((limiter as any).buckets.size <= 100)
  now += 10_000
  assert.equal(limiter.take('k999'), true)
})

test('log lines: time, level, one line even for hostile text; levels filter', () => {
  const lines: string[] = []
  const log = createLogger(
    'info',
    (l) => lines.push(l),
    () => new Date(0),
  )
  log.debug('hidden')
  log.info('peer evil\n1970-01-01T00:00:00.000Z error forged\u202e')
  log.error('bad')
  assert.deepEqual(lines, [
    '1970-01-01T00:00:00.000Z info peer evil 1970-01-01T00:00:00.000Z error forged \n',
    '1970-01-01T00:00:00.000Z error bad\n',
  ])
  const silent: string[] = []
  createLogger('silent', (l) => silent.push(l)).error('x')
  assert.equal(silent.length, 0)
  assert.equal(clean('x'.repeat(10), 4), 'xxxx…')
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OptionsError, isLoopback, parseBootstrap, parseOptions } from '../../src/shared/options'

test('nothing given: default folder, public DHT', () => {
  assert.deepEqual(parseOptions([], {}), { storage: null, bootstrap: null, host: null, rest: [] })
  assert.deepEqual(parseOptions(['.'], { LINKUP_STORAGE: '', LINKUP_BOOTSTRAP: '  ' }), {
    storage: null,
    bootstrap: null,
    host: null,
    rest: ['.'],
  })
})

test('--storage and LINKUP_STORAGE pick the data folder; the flag wins', () => {
  assert.equal(parseOptions(['--storage', '/tmp/alice'], {}).storage, '/tmp/alice')
  assert.equal(parseOptions(['--storage=/tmp/a=b'], {}).storage, '/tmp/a=b')
  assert.equal(parseOptions([], { LINKUP_STORAGE: 'rel/bob' }).storage, 'rel/bob')
  assert.equal(parseOptions(['--storage', 'flag'], { LINKUP_STORAGE: 'env' }).storage, 'flag')
  assert.equal(parseOptions(['--storage=--odd'], {}).storage, '--odd')
})

test('unknown arguments pass through in order; nothing after -- is a flag', () => {
  const parsed = parseOptions(
    ['.', '--no-sandbox', '--storage', 'd', '--room', 'x', '--', '--storage', 'y'],
    {},
  )
  assert.equal(parsed.storage, 'd')
  assert.deepEqual(parsed.rest, ['.', '--no-sandbox', '--room', 'x', '--', '--storage', 'y'])
  assert.deepEqual(parseOptions(['--storagex', 'a'], {}).rest, ['--storagex', 'a'])
})

test('bad flags are clear errors', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--storage'], /--storage needs a value/],
    [['--storage', ''], /--storage needs a value/],
    [['--storage='], /--storage needs a value/],
    [['--storage', '--bootstrap', 'x:1'], /--storage needs a value/],
    [['--storage', 'a', '--storage', 'b'], /--storage was given more than once/],
    [['--bootstrap'], /--bootstrap needs a value/],
  ]
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseOptions(argv, {}),
      (err: unknown) => err instanceof OptionsError && message.test(err.message),
      argv.join(' '),
    )
  }
})

test('LINKUP_BOOTSTRAP parses into host/port pairs and implies loopback binding', () => {
  const parsed = parseOptions([], {
    LINKUP_BOOTSTRAP: '127.0.0.1:49737, localhost:49738 ,127.0.0.2:1',
  })
  assert.deepEqual(parsed.bootstrap, [
    { host: '127.0.0.1', port: 49737 },
    { host: 'localhost', port: 49738 },
    { host: '127.0.0.2', port: 1 },
  ])
  assert.equal(parsed.host, '127.0.0.1')

  const remote = parseOptions([], { LINKUP_BOOTSTRAP: '127.0.0.1:1,dht.example.org:49737' })
  assert.deepEqual(remote.bootstrap?.[1], { host: 'dht.example.org', port: 49737 })
  assert.equal(remote.host, null, 'a non-loopback node means the DHT picks its own address')

  assert.equal(
    parseOptions([], { LINKUP_BOOTSTRAP: '10.0.0.5:49737', LINKUP_HOST: '10.0.0.9' }).host,
    '10.0.0.9',
  )
  assert.throws(() => parseOptions([], { LINKUP_HOST: 'not a host' }), /LINKUP_HOST/)
})

test('--bootstrap overrides LINKUP_BOOTSTRAP and names itself in errors', () => {
  assert.deepEqual(
    parseOptions(['--bootstrap=10.1.2.3:5'], { LINKUP_BOOTSTRAP: 'nonsense' }).bootstrap,
    [{ host: '10.1.2.3', port: 5 }],
  )
  assert.throws(() => parseOptions(['--bootstrap', 'x'], {}), /^OptionsError: --bootstrap entry 1/)
})

test('malformed bootstrap lists are refused with the entry named', () => {
  const bad: Array<[string, RegExp]> = [
    ['127.0.0.1', /entry 1 \("127.0.0.1"\) has no port/],
    ['127.0.0.1:', /invalid port/],
    [':49737', /invalid host/],
    ['127.0.0.1:0', /invalid port/],
    ['127.0.0.1:65536', /invalid port/],
    ['127.0.0.1:-1', /invalid port/],
    ['127.0.0.1:12ab', /invalid port/],
    ['127.0.0.1:1e3', /invalid port/],
    ['127.0.0.1: 80', /invalid port/],
    ['256.0.0.1:80', /invalid host/],
    ['1.2.3:80', /invalid host/],
    ['exa mple.com:80', /invalid host/],
    ['-bad.example:80', /invalid host/],
    ['http://127.0.0.1:80', /IPv6|invalid host/],
    ['[::1]:49737', /IPv6 addresses are not supported/],
    ['::1:49737', /IPv6 addresses are not supported/],
    ['127.0.0.1:1,,127.0.0.1:2', /empty entry at position 2/],
    ['127.0.0.1:1,', /empty entry at position 2/],
    [',', /is empty/],
    ['127.0.0.1:1,bad', /entry 2 \("bad"\)/],
  ]
  for (const [text, message] of bad) {
    assert.throws(
      () => parseBootstrap(text),
      (err: unknown) => err instanceof OptionsError && message.test(err.message),
      text,
    )
    assert.throws(() => parseOptions([], { LINKUP_BOOTSTRAP: text }), /LINKUP_BOOTSTRAP/, text)
  }
})

test('isLoopback', () => {
  assert.equal(isLoopback('127.0.0.1'), true)
  assert.equal(isLoopback('127.1.2.3'), true)
  assert.equal(isLoopback('localhost'), true)
  assert.equal(isLoopback('10.0.0.1'), false)
  assert.equal(isLoopback('127.example.com'), false)
})

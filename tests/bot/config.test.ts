import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseBotConfig, parseRooms, DEFAULT_BOT_NAME, DEFAULT_STORAGE } from '../../bot/config'

const KEY = 'ab'.repeat(32)
const KEY2 = 'cd'.repeat(32)

test('a room key alone gives the defaults: public DHT, seeding, info logs', () => {
  const r = parseBotConfig({ LINKUP_ROOM_ID: KEY }, [])
  assert.ok('config' in r)
  assert.deepEqual(r.config, {
    rooms: [KEY],
    name: DEFAULT_BOT_NAME,
    storage: DEFAULT_STORAGE,
    bootstrap: undefined,
    host: undefined,
    seed: true,
    listenToBots: false,
    logLevel: 'info',
  })
})

test('--listen-to-bots makes the bot answer other bots too', () => {
  const r = parseBotConfig({ LINKUP_ROOM_ID: KEY }, ['--listen-to-bots'])
  assert.ok('config' in r)
  assert.equal(r.config.listenToBots, true)
})

test('several keys, links, upper case and spaces; duplicates joined once', () => {
  const r = parseRooms(` ${KEY.toUpperCase()} , linkup://${KEY2}/,${KEY}`)
  assert.deepEqual(r, { keys: [KEY, KEY2] })
})

test('missing and malformed room keys are errors naming LINKUP_ROOM_ID', () => {
  for (const bad of [
    undefined,
    '',
    '   ',
    'abc',
    KEY.slice(1),
    KEY + 'a',
    'g'.repeat(64),
    `linkup://${KEY.slice(2)}`,
    `${KEY},`,
    `${KEY},,${KEY2}`,
    `http://${KEY}`,
  ]) {
    const r = parseBotConfig(bad === undefined ? {} : { LINKUP_ROOM_ID: bad }, [])
    assert.ok('error' in r, `expected an error for ${JSON.stringify(bad)}`)
    assert.match(r.error, /LINKUP_ROOM_ID/)
  }
})

test('a very long bad key is shortened in the message', () => {
  const r = parseRooms('x'.repeat(5000))
  assert.ok('error' in r)
  assert.ok(r.error.length < 300)
})

test('bootstrap as the app reads it; a loopback bootstrap picks host 127.0.0.1', () => {
  const local = parseBotConfig(
    { LINKUP_ROOM_ID: KEY, LINKUP_BOOTSTRAP: '127.0.0.1:5000, localhost:1' },
    [],
  )
  assert.ok('config' in local)
  assert.deepEqual(local.config.bootstrap, [
    { host: '127.0.0.1', port: 5000 },
    { host: 'localhost', port: 1 },
  ])
  assert.equal(local.config.host, '127.0.0.1')
  const lan = parseBotConfig({ LINKUP_ROOM_ID: KEY }, ['--bootstrap', '10.0.0.2:5000'])
  assert.ok('config' in lan)
  assert.equal(lan.config.host, undefined)
  const forced = parseBotConfig(
    { LINKUP_ROOM_ID: KEY, LINKUP_BOOTSTRAP: '10.0.0.2:5000', LINKUP_HOST: '10.0.0.9' },
    [],
  )
  assert.ok('config' in forced)
  assert.equal(forced.config.host, '10.0.0.9')
})

test('bad bootstrap entries are errors', () => {
  for (const bad of [
    '127.0.0.1',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    ':80',
    'a b:80',
    '127.0.0.1:80,',
    '[::1]:80',
  ]) {
    const r = parseBotConfig({ LINKUP_ROOM_ID: KEY, LINKUP_BOOTSTRAP: bad }, [])
    assert.ok('error' in r, `expected an error for ${bad}`)
    assert.match(r.error, /LINKUP_BOOTSTRAP/)
  }
})

test('name, storage, log level and seeding options', () => {
  const r = parseBotConfig(
    {
      LINKUP_ROOM_ID: KEY,
      LINKUP_BOT_NAME: '  Dice   Bot ',
      LINKUP_STORAGE: '/tmp/x',
      LINKUP_LOG_LEVEL: 'DEBUG',
    },
    ['--no-seed'],
  )
  assert.ok('config' in r)
  assert.equal(r.config.name, 'Dice Bot')
  assert.equal(r.config.storage, '/tmp/x')
  assert.equal(r.config.logLevel, 'debug')
  assert.equal(r.config.seed, false)
  const again = parseBotConfig({ LINKUP_ROOM_ID: KEY }, [
    '--no-seed',
    '--seed',
    '--storage',
    '/data',
  ])
  assert.ok('config' in again)
  assert.equal(again.config.seed, true)
  assert.equal(again.config.storage, '/data')
  const eq = parseBotConfig({ LINKUP_ROOM_ID: KEY, LINKUP_STORAGE: '/env' }, ['--storage=/arg'])
  assert.ok('config' in eq)
  assert.equal(eq.config.storage, '/arg')
})

test('bad name, log level or option are errors; --help wins', () => {
  assert.ok('error' in parseBotConfig({ LINKUP_ROOM_ID: KEY, LINKUP_BOT_NAME: '\u0000 ' }, []))
  assert.ok('error' in parseBotConfig({ LINKUP_ROOM_ID: KEY, LINKUP_BOT_NAME: 'x'.repeat(33) }, []))
  assert.ok('error' in parseBotConfig({ LINKUP_ROOM_ID: KEY, LINKUP_LOG_LEVEL: 'loud' }, []))
  assert.ok('error' in parseBotConfig({ LINKUP_ROOM_ID: KEY }, ['--seeds']))
  assert.ok('error' in parseBotConfig({ LINKUP_ROOM_ID: KEY }, ['--storage']))
  assert.deepEqual(parseBotConfig({}, ['--help']), { help: true })
})

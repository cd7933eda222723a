import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { startBot, type BotOptions } from '../../bot/bot'
import { createClient, type LinkupClient } from '../../bot/client'
import { parseCommand } from '../../bot/commands/index'
import { createLogger } from '../../bot/log'
import { removeTempDirs, tempDir, testnet, until, type Testnet } from '../helpers/net'

// Real engines in real rooms on a private testnet: a person (a plain LinkupNode, as the
// app uses it) talks to bots built on bot/client.ts.

let net: Testnet
const open: Array<{ close(): Promise<void> }> = []
const quiet = createLogger('silent')

before(async () => {
  net = await testnet()
})

after(async () => {
  await Promise.all(open.splice(0).map((n) => n.close().catch(() => {})))
  await net.destroy()
  await removeTempDirs()
})

async function person(name: string): Promise<LinkupNode> {
  const node = new LinkupNode({
    storage: await tempDir(),
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
    defaultName: name,
  })
  await node.ready()
  await node.setName(name)
  open.push(node)
  return node
}

async function bot(
  name: string,
  room: string,
  opts: Partial<BotOptions> = {},
): Promise<{ client: LinkupClient; stop(): void }> {
  const client = await createClient({
    storage: await tempDir(),
    name,
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
  })
  open.push(client)
  await client.join(room)
  const b = startBot(client, { log: quiet, seed: true, ...opts })
  return { client, stop: b.stop }
}

/** Everything a node sees arrive in a room, in arrival order. */
function recorder(node: LinkupNode, room: string): TimelineEntry[] {
  const seen: TimelineEntry[] = []
  node.on('entry:added', (e) => e.room === room && seen.push(e))
  return seen
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('the bot answers every command in a real room', async () => {
  const alice = await person('Alice')
  const room = (await alice.createRoom('commands')).key
  // Commands here come faster than a person types; the rate limit has its own test.
  const { client } = await bot('Helper', room, {
    perMember: { capacity: 100, refillPerSecond: 100 },
  })
  const botKey = client.memberKey(room)
  const seen = recorder(alice, room)
  await until('alice and the bot connected', () => alice.peers(room).some((p) => p.key === botKey))

  const ask = async (text: string) => {
    const n = seen.filter((e) => e.author === botKey).length
    await alice.send(room, text)
    const replies = await until(`a reply to ${text}`, () => {
      const r = seen.filter((e) => e.author === botKey)
      return r.length > n ? r : null
    })
    return replies[n].text
  }

  assert.match(await ask('!ping'), /^pong: round trip to Alice \d+(\.\d)? ms/)
  assert.match(await ask('!roll 2d6'), /^rolled 2d6: [1-6] \+ [1-6] = \*\*([2-9]|1[0-2])\*\*$/u)
  assert.match(await ask('!roll 200d6'), /1 to 100 dice/)
  assert.match(await ask('!uptime'), /^up \d+s \(since \d{4}-/)
  assert.match(await ask('!peers'), /^1 peer connected: Alice \(/)
  assert.equal(await ask('!echo hello *world*'), 'echo: hello *world*')
  assert.match(await ask('!help'), /`!roll NdM`/)
  assert.equal(await ask('!nope'), 'Unknown command. Try `!help` for the list.')

  // Plain text gets no answer; the bot's replies carry its own key and name.
  await alice.send(room, 'just chatting, no command')
  await alice.send(room, '!echo last')
  await until('the last reply', () =>
    seen.some((e) => e.author === botKey && e.text === 'echo: last'),
  )
  const fromBot = seen.filter((e) => e.author === botKey)
  assert.equal(fromBot.length, 9)
  assert.ok(fromBot.every((e) => e.authorName === 'Helper'))
})

test('two bots in one room do not loop, and each member is rate limited', async () => {
  const carol = await person('Carol')
  const room = (await carol.createRoom('two bots')).key
  const one = await bot('Bot One', room)
  const two = await bot('Bot Two', room)
  const keys = [one.client.memberKey(room), two.client.memberKey(room)]
  const seen = recorder(carol, room)
  await until(
    'everyone connected',
    () => carol.peers(room).length === 2 && one.client.peers(room).length === 2,
  )

  // The nastiest inputs: an echo that would be a command, and a bot issuing a command.
  // Bots ignore bots: bot one stays silent when bot two asks for !help.
  await carol.send(room, '!echo !echo !ping')
  await two.client.send(room, '!help')
  await carol.send(room, '!ping')
  await until('both bots answered Carol twice', () => seen.length >= 3 + 2 * 2)
  // Carol's last command was answered after bot two's, so a reply to it would be here.
  await sleep(1500)
  const byBots = seen.filter((e) => keys.includes(e.author))
  assert.equal(seen.length, 3 + 2 * 2, seen.map((e) => `${e.authorName}: ${e.text}`).join('\n'))
  assert.ok(byBots.every((e) => e.text === '!help' || parseCommand(e.text) === null))
  assert.ok(
    carol
      .members(room)
      .filter((m) => keys.includes(m.key))
      .every((m) => m.bot),
  )

  // A burst of commands from one member: a burst of 3, then 2 a second, per bot.
  const before = seen.length
  const answered = () => seen.slice(before).filter((e) => keys.includes(e.author))
  const start = Date.now()
  for (let i = 0; i < 10; i++) await carol.send(room, `!roll 1d6`)
  await until('each bot to answer the first 3', () => answered().length >= 2 * 3)
  await sleep(1200)
  // The bucket refills while the burst is sent and answered (slowly, on a loaded machine),
  // so what each bot may answer is the burst plus 2 for every second all that took.
  const allowed = Math.min(10, 3 + Math.ceil((2 * (Date.now() - start)) / 1000))
  const answers = answered()
  assert.ok(
    answers.length <= 2 * allowed,
    `and then at most 2 a second (got ${answers.length}, ${allowed} allowed per bot)`,
  )
})

test('a bot made with listenToBots answers another bot', async () => {
  const dave = await person('Dave')
  const room = (await dave.createRoom('bots talk')).key
  const client = await createClient({
    storage: await tempDir(),
    name: 'Listener',
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
    listenToBots: true,
  })
  open.push(client)
  await client.join(room)
  startBot(client, { log: quiet, seed: false })
  const asker = await bot('Asker', room)
  const seen = recorder(dave, room)
  const listenerKey = client.memberKey(room)
  await until('the bots are connected', () =>
    asker.client.peers(room).some((p) => p.key === listenerKey),
  )
  await until('the listener knows the asker is a bot', () =>
    client.node.members(room).some((m) => m.key === asker.client.memberKey(room) && m.bot),
  )
  const asked = await asker.client.send(room, '!echo from a bot')
  const answer = await until('the listener answers the bot', () =>
    seen.find((e) => e.author === listenerKey),
  )
  assert.equal(answer.text, 'echo: from a bot')
  assert.equal(answer.replyTo, asked.id, 'the answer quotes the question')
  assert.equal(answer.authorBot, true)
})

test("a person's messages reach a later member through the seeding bot alone", async () => {
  const alice = await person('Alice')
  const room = (await alice.createRoom('seeded')).key
  const aliceKey = alice.memberKey(room)
  const { client } = await bot('Seeder', room)
  for (const text of ['written while', 'nobody else', 'was online']) await alice.send(room, text)
  await until(
    'the bot holds all three',
    async () => (await client.history(room)).filter((e) => e.author === aliceKey).length === 3,
  )
  await alice.close()

  const carl = await person('Carl')
  await carl.joinRoom(room)
  const got = await until('Carl has Alice’s messages', async () => {
    const h = (await carl.history(room)).filter((e) => e.author === aliceKey)
    return h.length === 3 ? h : null
  })
  assert.deepEqual(
    got.map((e) => e.text),
    ['written while', 'nobody else', 'was online'],
  )
  assert.ok(got.every((e) => e.authorName === 'Alice' && !e.own))
  assert.deepEqual(
    carl.peers(room).map((p) => p.key),
    [client.memberKey(room)],
    'only the bot was there to serve them',
  )
})

test('client API: send(text) with one room, sendFile waits for the files engine, bad keys throw', async () => {
  const client = await createClient({
    storage: await tempDir(),
    name: 'Api',
    bootstrap: net.bootstrap,
    host: '127.0.0.1',
  })
  open.push(client)
  await assert.rejects(client.send('no room yet'), /exactly one joined room/)
  await assert.rejects(client.join('not a key'), /64 hex/)
  const room = 'ef'.repeat(32)
  const info = await client.join(`linkup://${room}`)
  assert.equal(info.key, room)
  assert.equal((await client.join(room)).key, room, 'joining twice returns the room')
  const sent = await client.send('hello')
  assert.equal(sent.room, room)
  assert.ok(sent.own)
  const engineHasFiles = typeof (client.node as any).sendFile === 'function'
  if (!engineHasFiles) await assert.rejects(client.sendFile('/etc/hostname'), /not supported yet/)
  await client.leave(room)
  assert.deepEqual(client.rooms(), [])
  await client.close()
  await client.close()
})

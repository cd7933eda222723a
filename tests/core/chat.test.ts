import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Cluster, connected, find, texts, useCluster, waitForTexts } from '../helpers/nodes'
import { until } from '../helpers/net'

let cluster: Cluster
useCluster((c) => (cluster = c))

test('two peers chat both ways, with authors and delivery state', async () => {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const room = await alice.createRoom('General')
  await bob.joinRoom(`linkup://${room.key}`)
  await connected(alice, bob, room.key)

  const sent = await alice.send(room.key, 'Hello **Bob**')
  assert.equal(sent.own, true)
  assert.deepEqual(sent.delivery, { state: 'sent', peers: 0 })
  await bob.send(room.key, 'Hi Alice')

  for (const node of [alice, bob]) await waitForTexts(node, room.key, ['Hello **Bob**', 'Hi Alice'])
  const onBob = await bob.history(room.key)
  const fromAlice = find(onBob, 'Hello **Bob**')
  assert.equal(fromAlice.author, alice.memberKey(room.key))
  assert.equal(fromAlice.authorName, 'Alice')
  assert.equal(fromAlice.own, false)
  assert.equal(find(onBob, 'Hi Alice').own, true)

  // Unread counts follow arrivals, and the shells hear of it. Updates are coalesced, so
  // one already due for the first arrival may come before the one for 'one more'.
  const heard: number[] = []
  bob.on('room:updated', (info: { key: string; unread: number }) => {
    if (info.key === room.key) heard.push(info.unread)
  })
  await alice.send(room.key, 'one more')
  await until('Bob to hear of 2 unread', () => heard.includes(2))
  assert.ok(
    heard.every((n) => n <= 2),
    `unread went above 2: ${heard.join(', ')}`,
  )
  await bob.markRead(room.key)
  assert.equal(bob.rooms()[0].unread, 0)

  // Bob fetched Alice's block, so her copy says it reached one peer.
  await until('delivery to reach 1', async () => {
    const mine = find(await alice.history(room.key), 'Hello **Bob**')
    return mine.delivery?.state === 'reached' && mine.delivery.peers === 1
  })
})

test('three peers see every message, in the same order', async () => {
  const [a, b, c] = [await cluster.node('A'), await cluster.node('B'), await cluster.node('C')]
  const room = await a.createRoom('Three')
  await b.joinRoom(room.key)
  await c.joinRoom(room.key)
  await connected(a, b, room.key)
  await connected(a, c, room.key)
  await connected(b, c, room.key)

  // Concurrent sends from everyone at once.
  const expected: string[] = []
  const sends: Promise<unknown>[] = []
  for (let i = 0; i < 20; i++) {
    for (const [n, node] of [a, b, c].entries()) {
      const text = `m${i}-${n}`
      expected.push(text)
      sends.push(node.send(room.key, text))
    }
  }
  await Promise.all(sends)
  const views = await Promise.all([a, b, c].map((node) => waitForTexts(node, room.key, expected)))
  assert.equal(views[0].length, 60)
  assert.deepEqual(views[1], views[0])
  assert.deepEqual(views[2], views[0])
  const orders = (await a.history(room.key)).map((e) => e.order)
  assert.deepEqual(orders, [...orders].sort())
})

test('edit and delete own messages; nobody edits or deletes another member’s', async () => {
  const alice = await cluster.node('Alice')
  const bob = await cluster.node('Bob')
  const room = await alice.createRoom('Edits')
  await bob.joinRoom(room.key)
  await connected(alice, bob, room.key)

  const first = await alice.send(room.key, 'typo hre')
  const second = await alice.send(room.key, 'to be deleted')
  await waitForTexts(bob, room.key, ['typo hre', 'to be deleted'])

  await alice.edit(room.key, first.id, 'typo here')
  await alice.delete(room.key, second.id)
  await until('bob to see the edit and delete', async () => {
    const list = await bob.history(room.key)
    const edited = list.find((e) => e.id === first.id)
    const deleted = list.find((e) => e.id === second.id)
    return edited?.text === 'typo here' && edited.edited && deleted?.deleted && deleted.text === ''
  })

  await assert.rejects(bob.edit(room.key, first.id, 'pwned'), /only edit or delete your own/)
  await assert.rejects(bob.delete(room.key, first.id), /only edit or delete your own/)
  await assert.rejects(alice.edit(room.key, second.id, 'back'), /deleted/)
  assert.deepEqual(await texts(bob, room.key), ['typo here', ''])
})

test('members already connected through one room connect in a second room joined later', async () => {
  const a = await cluster.node('A')
  const b = await cluster.node('B')
  const first = await a.createRoom('First')
  await b.joinRoom(first.key)
  await connected(a, b, first.key)
  // B opens the second room's channel while A is not in it yet: A refuses it at first.
  const second = await b.createRoom('Second')
  await new Promise((resolve) => setTimeout(resolve, 200))
  await a.joinRoom(second.key)
  await connected(a, b, second.key)
  await b.send(second.key, 'in the second room')
  await waitForTexts(a, second.key, ['in the second room'])
  // Leaving one room keeps the other working on the same connection.
  await a.leaveRoom(first.key)
  await a.send(second.key, 'still here')
  await waitForTexts(b, second.key, ['still here'])
})

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { LinkupNode } from '../../src/core/node'
import { Cluster, waitForTexts } from '../helpers/nodes'
import { removeTempDirs, until } from '../helpers/net'

// The bounded mesh (src/core/net/mesh.ts) on a private testnet: 22 members with a cap of 4
// links per room, so most pairs of members have no direct connection and every message
// travels hop by hop. One cluster runs through the file in order: links stay under the
// cap the whole time, messages reach everyone, presence shows members we hold no link
// with, a third of the members die and the rest heal, and history written before a member
// came back still reaches a newcomer whose only link is that member.

const CAP = 4
const room = 'c3'.repeat(32)
let cluster: Cluster
let nodes: LinkupNode[] = []
let maxLinks = 0
let sampler: NodeJS.Timeout

/** Open, unrefused room channels of a node right now, counted on the engine's own map. */
function links(node: LinkupNode): number {
  const channels = (node as any).rooms_.get(room)?.channels as Map<any, any> | undefined
  let n = 0
  for (const ch of channels?.values() ?? []) if (ch.linked) n++
  return n
}

before(async () => {
  cluster = await Cluster.start()
  sampler = setInterval(() => {
    for (const node of cluster.nodes) maxLinks = Math.max(maxLinks, links(node))
  }, 10)
})
after(async () => {
  clearInterval(sampler)
  await cluster.close()
  await removeTempDirs()
})

async function member(name: string): Promise<LinkupNode> {
  const node = await cluster.node(name, undefined, { meshSize: CAP })
  await node.joinRoom(room, 'Mesh')
  return node
}

async function everyoneSees(list: LinkupNode[], texts: string[]): Promise<void> {
  await Promise.all(list.map((n) => waitForTexts(n, room, texts, 60_000)))
}

test('22 members with a cap of 4: links stay under the cap and every message reaches everyone', async () => {
  // In waves, like people arriving: each wave looks up the ones before it.
  for (let wave = 0; wave < 22; wave += 6) {
    const names = Array.from({ length: Math.min(6, 22 - wave) }, (_, i) => `M${wave + i}`)
    nodes.push(...(await Promise.all(names.map(member))))
  }
  await until('every member to hold a link', () => nodes.every((n) => links(n) > 0), 60_000)
  const sent = ['from M0', 'from M11', 'from M21']
  await nodes[0].send(room, sent[0])
  await nodes[11].send(room, sent[1])
  await nodes[21].send(room, sent[2])
  await everyoneSees(nodes, sent)
  assert.ok(maxLinks <= CAP, `at most ${CAP} links per room, saw ${maxLinks}`)
  // Most pairs have no direct link: the messages above went hop by hop.
  const direct = nodes.reduce((sum, n) => sum + n.peers(room).length, 0)
  assert.ok(direct <= 22 * CAP && direct < 22 * 21, 'not a full mesh')
})

test('presence shows members online who have no direct link with us', async () => {
  const watcher = nodes[5]
  const linked = new Set(watcher.peers(room).map((p) => p.key))
  const far = nodes.filter((n) => n !== watcher && !linked.has(n.memberKey(room)))
  assert.ok(far.length >= 10, 'most members are beyond our links')
  await until(
    'every member without a link to be shown online',
    () => {
      const online = new Set(
        watcher
          .members(room)
          .filter((m) => m.online)
          .map((m) => m.key),
      )
      return far.every((n) => online.has(n.memberKey(room)))
    },
    40_000,
  )
  const listed = watcher.members(room).find((m) => m.key === far[0].memberKey(room))
  assert.equal(typeof listed?.lastSeen, 'number', 'heard of through the mesh')
  assert.equal(watcher.room(room).presence.online(watcher.memberKey(room)), false)
})

test('killing a third of the members heals the mesh: the rest keep exchanging messages', async () => {
  const dead = nodes.filter((_, i) => i % 3 === 2)
  const alive = nodes.filter((_, i) => i % 3 !== 2)
  await Promise.all(dead.map((n) => n.close()))
  nodes = alive
  const sent = ['after the cut, from M0', `after the cut, from M${alive.length}`]
  await alive[0].send(room, sent[0])
  await alive[alive.length - 1].send(room, sent[1])
  await everyoneSees(alive, sent)
  // Each survivor dials new members in place of the dead, back to its target of 2 links.
  await until(
    'every survivor to hold two links again',
    () => alive.every((n) => links(n) >= 2),
    30_000,
  )
  assert.ok(maxLinks <= CAP, `at most ${CAP} links per room, saw ${maxLinks}`)
})

test('history reaches a late joiner whose only link was offline when it was written', async () => {
  const written = 'written while Yara was away'
  await nodes[1].send(room, written)
  await everyoneSees(nodes, [written])
  // Yara joins after it was written, and gets it through the mesh.
  const yara = await member('Yara')
  await waitForTexts(yara, room, [written, 'from M0'], 60_000)
  await until('Yara to hear of the writer as a member', () =>
    yara.members(room).some((m) => m.key === nodes[1].memberKey(room)),
  )
  // Everyone who was there when it was written leaves; a newcomer can only reach Yara.
  await Promise.all(nodes.map((n) => n.close()))
  const zoe = await member('Zoe')
  await waitForTexts(zoe, room, [written, 'from M0', 'from M21'], 60_000)
  assert.deepEqual(
    zoe.peers(room).map((p) => p.key),
    [yara.memberKey(room)],
  )
  assert.ok(maxLinks <= CAP, `at most ${CAP} links per room, saw ${maxLinks}`)
})

import { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { tempDir, testnet, until, type Testnet } from './net'

/** A private testnet plus LinkUp nodes on it; close() tears all of it down. */
export class Cluster {
  readonly nodes: LinkupNode[] = []
  private constructor(readonly net: Testnet) {}

  static async start(): Promise<Cluster> {
    return new Cluster(await testnet())
  }

  async node(
    name: string,
    storage?: string,
    opts: { meshSize?: number } = {},
  ): Promise<LinkupNode> {
    const node = new LinkupNode({
      storage: storage ?? (await tempDir()),
      bootstrap: this.net.bootstrap,
      host: '127.0.0.1',
      defaultName: name,
      ...opts,
    })
    await node.ready()
    this.nodes.push(node)
    return node
  }

  /** Alice's room `name` with Bob and Mallory in it, both linked to Alice: the cast of the hostile-member tests. */
  async trio(name: string) {
    const alice = await this.node('Alice')
    const bob = await this.node('Bob')
    const mallory = await this.node('Mallory')
    const { key: room } = await alice.createRoom(name)
    await bob.joinRoom(room)
    await mallory.joinRoom(room)
    await connected(alice, bob, room)
    await connected(alice, mallory, room)
    return { alice, bob, mallory, room }
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.close()))
    await this.net.destroy()
  }
}

export async function texts(node: LinkupNode, room: string): Promise<string[]> {
  return (await node.history(room, { limit: 1000 })).map((e) => e.text)
}

export async function waitForTexts(
  node: LinkupNode,
  room: string,
  expected: string[],
  timeoutMs = 15000,
) {
  return until(
    `${node.profile.name} to see ${expected.length} messages`,
    async () => {
      const seen = await texts(node, room)
      return expected.every((t) => seen.includes(t)) && seen
    },
    timeoutMs,
  )
}

export function connected(a: LinkupNode, b: LinkupNode, room: string) {
  return until(`${a.profile.name} and ${b.profile.name} to connect`, () => {
    const aKey = a.memberKey(room)
    const bKey = b.memberKey(room)
    return a.peers(room).some((p) => p.key === bKey) && b.peers(room).some((p) => p.key === aKey)
  })
}

export function find(list: TimelineEntry[], text: string): TimelineEntry {
  const item = list.find((e) => e.text === text)
  if (!item) throw new Error(`no entry with text ${text}`)
  return item
}

import { after, before } from 'node:test'
import { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { removeTempDirs, tempDir, testnet, until, type Testnet } from './net'

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

/**
 * One Cluster for a test file: started before its tests, closed with the temp folders
 * after them. `set` receives it (the file keeps it in a `let cluster`).
 */
export function useCluster(set: (cluster: Cluster) => void): void {
  let cluster: Cluster | undefined
  before(async () => {
    cluster = await Cluster.start()
    set(cluster)
  })
  after(async () => {
    await cluster?.close()
    await removeTempDirs()
  })
}

/** A node's room object, for tests that look inside the engine. */
export const roomOf = (node: LinkupNode, room: string): any => (node as any).rooms_.get(room)

/** Replication sessions a node holds for a room's writer cores (one per core per link). */
export function writerSessions(node: LinkupNode, room: string): number {
  let n = 0
  for (const w of roomOf(node, room).timeline.writers.values()) n += w.core.peers.length
  return n
}

/** `from`'s open room channel to `to`, to send raw frames through. */
export function channelTo(from: LinkupNode, to: LinkupNode, room: string): any {
  const toKey = to.swarm.keyPair.publicKey.toString('hex')
  return [...roomOf(from, room).channels.values()].find(
    (c: any) => c.opened && c.remoteKey === toKey,
  )
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

import { LinkupNode } from '../../src/core/node'

import { once, sleep, tempDir, type Bootstrap } from './net'

// Engines as users run them: a LinkupNode with its own data folder and swarm on the
// private testnet. Waits are event-driven with a bounded fallback poll, so a wait
// never adds its own polling delay to a measured time.

/**
 * `open`: its DHT node is marked reachable, as the baselines' serving swarms are (see
 * bareSwarm), so a member in another process dials it directly rather than punching.
 */
export async function makeNode(
  bootstrap: Bootstrap,
  storage?: string,
  opts: { open?: boolean } = {},
): Promise<LinkupNode> {
  const node = new LinkupNode({
    storage: storage ?? (await tempDir('linkup-bench-')),
    bootstrap,
    host: '127.0.0.1',
    // Benchmarks flood on purpose to measure the engine; a receiver's quotas would pause them.
    quotas: false,
    ...(opts.open ? { firewalled: false } : {}),
  })
  await node.ready()
  return node
}

export async function waitPeers(
  node: LinkupNode,
  room: string,
  count: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (node.peers(room).length < count) {
    const left = deadline - performance.now()
    if (left <= 0) return false
    await once(node, 'peer:connected', Math.min(left, 50)).catch(() => {})
  }
  return true
}

/** Two connected engines in one fresh room, with the channel open both ways. */
export async function connectedPair(
  bootstrap: Bootstrap,
  timeoutMs = 15_000,
): Promise<{ a: LinkupNode; b: LinkupNode; room: string }> {
  const [a, b] = await Promise.all([makeNode(bootstrap), makeNode(bootstrap)])
  const { key: room } = await a.createRoom('bench')
  await a.swarm.flush()
  await b.joinRoom(room)
  const ok = (await waitPeers(a, room, 1, timeoutMs)) && (await waitPeers(b, room, 1, timeoutMs))
  if (!ok) throw new Error('engines did not connect')
  // Let the writer-key exchange and first replication requests settle.
  await sleep(200)
  return { a, b, room }
}

/** Blocks in the node's own writer core for a room (reads engine internals; notes only). */
export function ownBlocks(node: LinkupNode, room: string): number {
  const r = (node as any).rooms_?.get(room)
  return r?.timeline?.writers?.get(node.memberKey(room))?.core?.length ?? -1
}

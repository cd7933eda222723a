import b4a from 'b4a'
import Corestore from 'corestore'
import type { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { text200 } from './context'
import { makeNode, waitPeers } from './engines'
import { heapMiB, rssMiB, settle } from './memory'
import { bareSwarm, connectBare, sleep, tempDir, type Bootstrap } from './net'

// What the overlay model (overlay-sim.ts) is fed, measured on the real engine: the time of
// one hop and of a relay hop, what a message costs in bytes on each connection, how long a
// join takes to open a room channel, and the memory of a core and of a replication session.

const ARRIVAL_TIMEOUT_MS = 5_000
const CONNECT_TIMEOUT_MS = 15_000
/** Bytes in flight after the last arrival (acks, announces) are let in before counting. */
const TAIL_MS = 300

/** The connection `node` holds to `other`, found by the other's Noise key. */
function connTo(node: LinkupNode, other: LinkupNode): any {
  const key = other.swarm.keyPair.publicKey
  for (const c of node.swarm.connections) if (b4a.equals(c.remotePublicKey, key)) return c
  throw new Error('no connection between the two engines')
}

/** Bytes sent each way on a connection so far, as UDX counts them (headers included). */
function counters(node: LinkupNode, other: LinkupNode): { out: number; in: number } {
  const raw = connTo(node, other).rawStream
  return { out: raw.bytesTransmitted, in: raw.bytesReceived }
}

/** Keeps two engines from ever connecting, so a third must relay between them. */
function keepApart(a: LinkupNode, b: LinkupNode): void {
  for (const [self, other] of [
    [a, b],
    [b, a],
  ]) {
    const key = other.swarm.keyPair.publicKey
    const before = self.swarm._firewall
    self.swarm._firewall = (remote: Buffer, payload: unknown) =>
      b4a.equals(remote, key) || before(remote, payload)
  }
}

/** joinRoom to the first open room channel, ms. */
async function timedJoin(node: LinkupNode, room: string): Promise<number> {
  const start = performance.now()
  await node.joinRoom(room)
  if (!(await waitPeers(node, room, 1, CONNECT_TIMEOUT_MS)))
    throw new Error(`no peer within ${CONNECT_TIMEOUT_MS} ms of joining`)
  return performance.now() - start
}

/** Sends `count` messages from `from` one at a time; arrival times at each of `to`. */
async function sendAll(
  from: LinkupNode,
  to: LinkupNode[],
  room: string,
  count: number,
  offset: number,
): Promise<Array<{ start: number; at: number[] }>> {
  const out: Array<{ start: number; at: number[] }> = []
  for (let i = 0; i < count; i++) {
    const text = text200(offset + i)
    const at = to.map(() => NaN)
    const arrived = Promise.all(
      to.map(
        (node, k) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => {
              node.off('entry:added', on)
              reject(new Error(`message ${i} did not reach engine ${k + 1}`))
            }, ARRIVAL_TIMEOUT_MS)
            const on = (e: TimelineEntry) => {
              if (e.text !== text) return
              at[k] = performance.now()
              clearTimeout(timer)
              node.off('entry:added', on)
              resolve()
            }
            node.on('entry:added', on)
          }),
      ),
    )
    const start = performance.now()
    await from.send(room, text)
    await arrived
    out.push({ start, at })
  }
  return out
}

export interface HopCosts {
  firstHopMs: number[]
  relayHopMs: number[]
  connectMs: number[]
  /** Per message on a connection the block crossed: bytes from the side that had it, and back. */
  dataSendBytes: number
  dataReplyBytes: number
  /** Per message and side on a connection the block did not cross. */
  announceBytes: number
}

/**
 * A chain A – B – C (A and C kept apart), then a triangle X – Y – Z, in one fresh room each.
 * The chain gives the first and the relay hop and the bytes where the block crosses; the
 * triangle's Y – Z link carries only what a member says when it got a block it did not serve.
 */
export async function measureHops(
  bootstrap: Bootstrap,
  messages: number,
  warmup: number,
  joins: number,
): Promise<HopCosts> {
  const nodes: LinkupNode[] = []
  const make = async () => {
    const n = await makeNode(bootstrap)
    nodes.push(n)
    return n
  }
  try {
    const [a, b, c] = [await make(), await make(), await make()]
    keepApart(a, c)
    const { key: chain } = await a.createRoom('chain')
    await a.swarm.flush()
    const connectMs = [await timedJoin(b, chain)]
    await b.swarm.flush()
    connectMs.push(await timedJoin(c, chain))
    await sendAll(a, [b, c], chain, warmup, 0)
    await sleep(TAIL_MS)
    const ab0 = counters(a, b)
    const t0 = performance.now()
    const runs = await sendAll(a, [b, c], chain, messages, warmup)
    await sleep(TAIL_MS)
    const ab1 = counters(a, b)
    const spentMs = performance.now() - t0
    if (a.peers(chain).length !== 1 || c.peers(chain).length !== 1)
      throw new Error('the chain grew a direct link between its ends')
    // The same time with nothing sent: keep-alives and the like, taken off the figure.
    const idle0 = counters(a, b)
    await sleep(Math.min(spentMs, 3_000))
    const idle1 = counters(a, b)
    const idleShare = spentMs / Math.min(spentMs, 3_000)
    const dataSendBytes = (ab1.out - ab0.out - (idle1.out - idle0.out) * idleShare) / messages
    const dataReplyBytes = (ab1.in - ab0.in - (idle1.in - idle0.in) * idleShare) / messages

    const [x, y, z] = [await make(), await make(), await make()]
    const { key: tri } = await x.createRoom('triangle')
    await x.swarm.flush()
    connectMs.push(await timedJoin(y, tri))
    await y.swarm.flush()
    connectMs.push(await timedJoin(z, tri))
    await waitPeers(z, tri, 2, CONNECT_TIMEOUT_MS)
    await waitPeers(y, tri, 2, CONNECT_TIMEOUT_MS)
    await sendAll(x, [y, z], tri, warmup, 0)
    await sleep(TAIL_MS)
    const yz0 = counters(y, z)
    await sendAll(x, [y, z], tri, messages, warmup)
    await sleep(TAIL_MS)
    const yz1 = counters(y, z)
    const announceBytes = (yz1.out - yz0.out + yz1.in - yz0.in) / 2 / messages

    // More joins, each a fresh engine into the chain's room, for the connect-time spread.
    for (let j = connectMs.length; j < joins; j++) {
      const n = await makeNode(bootstrap)
      try {
        connectMs.push(await timedJoin(n, chain))
      } finally {
        await n.close()
      }
    }
    return {
      firstHopMs: runs.map((r) => r.at[0] - r.start),
      relayHopMs: runs.map((r) => r.at[1] - r.at[0]),
      connectMs,
      dataSendBytes,
      dataReplyBytes,
      announceBytes,
    }
  } finally {
    await Promise.all(nodes.map((n) => n.close()))
  }
}

export interface CoreCosts {
  /** RSS and JS heap per remote core opened by key (what a member holds per writer), KiB. */
  coreKiB: number
  coreHeapKiB: number
  /** Per replication session (one core on one connection, counted on each side), KiB. */
  sessionKiB: number
  sessionHeapKiB: number
  /** Bytes on a fresh connection to open one core and fetch its one 200-byte block. */
  syncBytesPerCore: number
  cores: number
}

/**
 * Corestore and hypercore as the engine runs them: `cores` writer cores with one block each
 * in one store, opened by key in another, then replicated over one connection. Memory after
 * a full GC (run in a fresh process: the figures are deltas of the whole process).
 */
export async function measureCores(bootstrap: Bootstrap, cores: number): Promise<CoreCosts> {
  const [sa, sb] = [bareSwarm(bootstrap), bareSwarm(bootstrap)]
  const owner = new Corestore(await tempDir('linkup-bench-'))
  const member = new Corestore(await tempDir('linkup-bench-'))
  try {
    const { ab, ba } = await connectBare(sa, sb)
    const written: any[] = []
    for (let i = 0; i < cores; i++) {
      const core = owner.get({ name: `writer-${i}` })
      await core.ready()
      await core.append(Buffer.from(text200(i)))
      written.push(core)
    }
    await member.ready()
    await settle()
    const rss0 = rssMiB()
    const heap0 = heapMiB()
    const held: any[] = []
    for (const w of written) {
      const core = member.get({ key: w.key })
      await core.ready()
      held.push(core)
    }
    await settle()
    const rss1 = rssMiB()
    const heap1 = heapMiB()
    const bytes0 = ab.rawStream.bytesTransmitted + ab.rawStream.bytesReceived
    owner.replicate(ab)
    member.replicate(ba)
    await Promise.all(held.map((core) => core.get(0, { timeout: CONNECT_TIMEOUT_MS })))
    await sleep(TAIL_MS)
    const bytes1 = ab.rawStream.bytesTransmitted + ab.rawStream.bytesReceived
    await settle()
    const rss2 = rssMiB()
    const heap2 = heapMiB()
    return {
      coreKiB: ((rss1 - rss0) * 1024) / cores,
      coreHeapKiB: ((heap1 - heap0) * 1024) / cores,
      sessionKiB: ((rss2 - rss1) * 1024) / (2 * cores),
      sessionHeapKiB: ((heap2 - heap1) * 1024) / (2 * cores),
      syncBytesPerCore: (bytes1 - bytes0) / cores,
      cores,
    }
  } finally {
    await Promise.all([owner.close(), member.close()])
    await Promise.all([sa.destroy(), sb.destroy()])
  }
}

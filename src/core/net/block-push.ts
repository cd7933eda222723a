import b4a from 'b4a'
import c from 'compact-encoding'
import flat from 'flat-tree'
import messages from 'hypercore/messages.js'

// The push path for a writer's newest blocks (net/core-links.ts decides what to push where):
// a room-channel frame carrying one block of one writer core with a hypercore proof of it,
// made for the length the receiver is known to have. The receiver applies it with
// `core.applyProof`, which checks the block against the writer's signed tree (the signature
// against the writer's key, the manifest against the core key), so a neighbour cannot forge
// a block, nor pass one writer's block off as another's. It spares each block's first hops
// a hypercore replication session per writer per link (opened, synced, then asked), which is
// what made a crowd's first messages take seconds; sessions serve backlogs.
//
// Wire format: [writer core key: 32 bytes][length the proof assumes the receiver has: uint]
// [proof: hypercore's own wire encoding of a data message, `hypercore/messages.js` wire.data].

/** Only blocks up to this size are pushed; bigger ones go through a replication session. */
export const MAX_PUSHED_BLOCK_BYTES = 32 * 1024
/** A push frame: the block, its proof (≤ 2 × 64 tree nodes of 41+ bytes), a manifest, a signature. */
export const MAX_PUSH_FRAME_BYTES = MAX_PUSHED_BLOCK_BYTES + 16 * 1024
/** Tree nodes a proof carries per list: a tree of 2^53 blocks is 54 levels deep. */
const MAX_PROOF_NODES = 64

export interface PushFrame {
  /** The writer core's key. */
  key: Buffer
  /** The core length the proof was made for (the receiver must have exactly this, or more without an upgrade). */
  assumed: number
  /** Hypercore's data message: { request, fork, block, hash, seek, upgrade, manifest }. */
  proof: any
}

/** A push frame as received: its bytes too, so that once applied it can be passed on as is. */
export interface ReceivedPush extends PushFrame {
  raw: Buffer
}

/** The length a receiver has once it applied this frame. */
export function lengthAfter(frame: PushFrame): number {
  const up = frame.proof.upgrade
  return up ? up.start + up.length : frame.assumed
}

const frameEncoding = {
  preencode(state: any, f: PushFrame) {
    c.fixed32.preencode(state, f.key)
    c.uint.preencode(state, f.assumed)
    messages.wire.data.preencode(state, f.proof)
  },
  encode(state: any, f: PushFrame) {
    c.fixed32.encode(state, f.key)
    c.uint.encode(state, f.assumed)
    messages.wire.data.encode(state, f.proof)
  },
  decode(state: any): PushFrame {
    return {
      key: c.fixed32.decode(state) as Buffer,
      assumed: c.uint.decode(state),
      proof: messages.wire.data.decode(state),
    }
  },
}

export function encodePushFrame(frame: PushFrame): Buffer {
  return c.encode(frameEncoding, frame) as Buffer
}

const safe = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0
const nodesOk = (nodes: any[]) =>
  Array.isArray(nodes) &&
  nodes.length <= MAX_PROOF_NODES &&
  nodes.every((n) => safe(n.index) && safe(n.size))

/**
 * A push frame from a peer, or null for anything that is not one: over the size cap,
 * trailing bytes, no block, a block over MAX_PUSHED_BLOCK_BYTES, anything but a block and
 * an upgrade, numbers that are not safe integers, a block outside the signed length.
 * Exported for the fuzzer and the hostile-input tests.
 */
export function decodePushFrame(buf: Buffer): ReceivedPush | null {
  if (!buf || buf.byteLength > MAX_PUSH_FRAME_BYTES) return null
  let frame: ReceivedPush
  try {
    const state = { start: 0, end: buf.byteLength, buffer: buf }
    frame = { ...frameEncoding.decode(state), raw: buf }
    if (state.start !== state.end) return null
  } catch {
    return null
  }
  const { proof, assumed } = frame
  const block = proof.block
  if (!safe(assumed) || proof.request !== 0 || !safe(proof.fork)) return null
  if (!block || proof.hash || proof.seek) return null
  if (!safe(block.index) || !b4a.isBuffer(block.value) || !nodesOk(block.nodes)) return null
  if (block.value.byteLength > MAX_PUSHED_BLOCK_BYTES) return null
  const up = proof.upgrade
  if (up) {
    // Hypercore's upgrade is `length` blocks added to the `start` the receiver has.
    if (!safe(up.start) || !safe(up.length) || up.length === 0 || up.start !== assumed) return null
    if (!safe(up.start + up.length) || block.index >= up.start + up.length) return null
    if (!nodesOk(up.nodes) || !nodesOk(up.additionalNodes) || !up.signature) return null
  } else if (block.index >= assumed) return null
  return frame
}

/**
 * The proof of block `index` of `core` for a receiver that has `assumed` of its length:
 * an upgrade to our length if that is longer, and the block's tree nodes up to a root the
 * receiver holds. Null if the block is not here, too big to push, or `assumed` is past us.
 */
export async function makePushFrame(
  core: any,
  index: number,
  assumed: number,
): Promise<{ frame: Buffer; length: number } | null> {
  const length = core.length
  if (index >= length || assumed > length || !(await core.has(index))) return null
  const upgrade = assumed < length ? { start: assumed, length: length - assumed } : null
  // Within the receiver's tree the block's nodes go up to the root covering it there (it
  // holds its roots); a block in the upgrade gets its nodes from the upgrade's part.
  const nodes = index < assumed ? nodesToRoot(index, assumed) : 0
  const proof = await core.proof({ block: { index, nodes }, ...(upgrade ? { upgrade } : {}) })
  if (!proof.block || proof.block.value.byteLength > MAX_PUSHED_BLOCK_BYTES) return null
  // The receiver may have only the key: the manifest lets it check the signer.
  const frame = encodePushFrame({
    key: core.key,
    assumed,
    proof: { request: 0, ...proof, manifest: upgrade ? core.manifest : null },
  })
  return { frame, length: upgrade ? upgrade.start + upgrade.length : assumed }
}

/** How many tree nodes lead from leaf `index` up to the root that covers it in a tree of `length` blocks. */
function nodesToRoot(index: number, length: number): number {
  const leaf = 2 * index
  for (const root of flat.fullRoots(2 * length)) {
    const [first, last] = flat.spans(root)
    if (leaf >= first && leaf <= last) return flat.depth(root)
  }
  return 0
}

/** Errors of `applyProof` that only a forged or broken proof causes (hypercore's codes). */
export function forgedProof(err: any): boolean {
  return ['INVALID_SIGNATURE', 'INVALID_CHECKSUM', 'INVALID_PROOF'].includes(err?.code)
}

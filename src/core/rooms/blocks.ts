import { heldCount } from '../held'

/**
 * Whether a block is on disk here, from hypercore's in-memory bitfield: undefined where
 * the pinned version does not expose one (then storage is asked). A block known to be
 * missing is not looked up: a late reader's first pass over a writer finds thousands of
 * holes, and a live receiver finds each new block missing once, before it downloads.
 */
export function heldMap(core: any): ((seq: number) => boolean) | null {
  const bitfield = core.core?.bitfield
  return typeof bitfield?.get === 'function' ? (seq) => bitfield.get(seq) === true : null
}

/**
 * Reads a range of blocks that are already on disk in one storage batch. core.get()
 * opens and flushes a batch per block; catching up on 10,000 messages that way spends
 * most of its time in per-call overhead. Falls back to get() if the storage internals
 * of the pinned hypercore are not there.
 */
export async function readLocalBlocks(
  core: any,
  start: number,
  end: number,
): Promise<Array<Buffer | null>> {
  const seqs: number[] = []
  for (let seq = start; seq < end; seq++) seqs.push(seq)
  return readLocalBlocksAt(core, seqs)
}

/** The same for scattered blocks, e.g. holes that have just been downloaded. */
export async function readLocalBlocksAt(core: any, seqs: number[]): Promise<Array<Buffer | null>> {
  const held = heldMap(core)
  const out: Array<Buffer | null> = seqs.map(() => null)
  const at: number[] = []
  seqs.forEach((seq, n) => (!held || held(seq)) && at.push(n))
  if (!at.length) return out
  const storage = core.state?.storage
  let blocks: Array<Buffer | null>
  if (!storage?.read || at.length === 1) {
    blocks = await Promise.all(at.map((n) => core.get(seqs[n], { wait: false }).catch(() => null)))
  } else {
    const rx = storage.read()
    const reads = at.map((n) => rx.getBlock(seqs[n]))
    rx.tryFlush()
    blocks = await Promise.all(reads.map((r: Promise<Buffer | null>) => r.catch(() => null)))
  }
  at.forEach((n, b) => (out[n] = blocks[b]))
  return out
}

/**
 * How many of a core's blocks are on disk here. Hypercore keeps that in its bitfield;
 * where the pinned version does not expose one, count with has() a block at a time.
 */
export async function heldBlocks(core: any): Promise<number> {
  const counted = heldCount(core)
  if (counted !== null) return counted
  const length = core.length
  let held = 0
  for (let seq = 0; seq < length; seq++) if (await core.has(seq).catch(() => false)) held++
  return held
}

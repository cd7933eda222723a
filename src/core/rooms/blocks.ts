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
  const storage = core.state?.storage
  if (!storage?.read || end - start <= 1) {
    const gets: Promise<Buffer | null>[] = []
    for (let seq = start; seq < end; seq++)
      gets.push(core.get(seq, { wait: false }).catch(() => null))
    return Promise.all(gets)
  }
  const rx = storage.read()
  const reads: Promise<Buffer | null>[] = []
  for (let seq = start; seq < end; seq++) reads.push(rx.getBlock(seq))
  rx.tryFlush()
  return Promise.all(reads.map((r) => r.catch(() => null)))
}

/** The same for scattered blocks, e.g. holes that have just been downloaded. */
export async function readLocalBlocksAt(core: any, seqs: number[]): Promise<Array<Buffer | null>> {
  const storage = core.state?.storage
  if (!storage?.read)
    return Promise.all(seqs.map((seq) => core.get(seq, { wait: false }).catch(() => null)))
  const rx = storage.read()
  const reads = seqs.map((seq) => rx.getBlock(seq))
  rx.tryFlush()
  return Promise.all(reads.map((r: Promise<Buffer | null>) => r.catch(() => null)))
}

/**
 * How many of a core's blocks are on disk here. Hypercore keeps that in its bitfield;
 * where the pinned version does not expose one, count with has() a block at a time.
 */
export async function heldBlocks(core: any): Promise<number> {
  const length = core.length
  if (length === 0) return 0
  const bitfield = core.core?.bitfield
  if (typeof bitfield?.countSet === 'function') return bitfield.countSet(0, length)
  let held = 0
  for (let seq = 0; seq < length; seq++) if (await core.has(seq).catch(() => false)) held++
  return held
}

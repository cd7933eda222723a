import { decodeBlock, entryId } from '../../shared/entries'
import { readLocalBlocks } from '../rooms/blocks'
import type { Room } from '../rooms/room'

// Finds every file and voice note of every writer of a room, straight from the cores on
// disk (not from the timeline, which holds what someone scrolled to). A seeder calls it
// again and again with the same cursors and gets only what is new since.

const SCAN_CHUNK_BLOCKS = 256

export interface FileScan {
  /** File and audio entries found in this pass, oldest first per writer. */
  files: Array<{ id: string; writer: string; size: number }>
  /** Ids of entries their writers deleted in this pass. */
  deleted: string[]
}

/** Reads each writer from `cursors[writer]` up to its first block not on disk yet. */
export async function scanFiles(room: Room, cursors: Map<string, number>): Promise<FileScan> {
  const out: FileScan = { files: [], deleted: [] }
  for (const { key, core } of room.timeline.writers.values()) {
    let cursor = Math.min(cursors.get(key) ?? 0, core.length)
    while (cursor < core.length) {
      const end = Math.min(core.length, cursor + SCAN_CHUNK_BLOCKS)
      const blocks = await readLocalBlocks(core, cursor, end)
      let n = 0
      for (; n < blocks.length && blocks[n]; n++) {
        for (const { i, entry } of decodeBlock(blocks[n]!).entries) {
          if (entry.t === 'file' || entry.t === 'audio')
            out.files.push({ id: entryId(key, cursor + n, i), writer: key, size: entry.file.size })
          else if (entry.t === 'delete')
            out.deleted.push(entryId(key, entry.target.seq, entry.target.i))
        }
      }
      cursor += n
      if (n < blocks.length) break
    }
    cursors.set(key, cursor)
  }
  return out
}

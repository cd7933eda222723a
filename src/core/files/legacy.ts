import { decodeBlock } from '../../shared/entries'
import type { FileRef } from '../../shared/types'
import { readLocalBlocks } from '../rooms/blocks'
import { copyBlob, type Drives } from './drive'

// Before 0.2 a member had one drive for all rooms, so a member of one room could list it
// and read files shared in another. Now each room has its own drive. On the first start
// after the change, each room's own file entries that still name the old (home) drive have
// their bytes copied into the room's drive, and the room is told once with a 'moved' entry,
// so the files stay readable there and only there. The home drive is never replicated again.

const SCAN_CHUNK_BLOCKS = 256

/** Copies this room's old files into its drive; resolves to how many it moved. */
export async function moveLegacyFiles(
  ownCore: any,
  home: Drives,
  room: Drives,
  onMoved: (ref: FileRef, blob: any) => void,
): Promise<number> {
  const refs: FileRef[] = []
  for (let start = 0; start < ownCore.length; start += SCAN_CHUNK_BLOCKS) {
    const end = Math.min(ownCore.length, start + SCAN_CHUNK_BLOCKS)
    for (const block of await readLocalBlocks(ownCore, start, end)) {
      if (!block) continue
      for (const { entry } of decodeBlock(block).entries) {
        if ((entry.t === 'file' || entry.t === 'audio') && entry.file.drive === home.key)
          refs.push(entry.file)
      }
    }
  }
  let moved = 0
  for (const ref of refs) {
    const blob = await copyBlob(home, room, ref.path)
    if (!blob) continue // deleted since: nothing to keep
    onMoved({ ...ref, drive: room.key }, blob)
    moved++
  }
  return moved
}

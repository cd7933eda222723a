import type { TimelineEntry } from '../../shared/types'
import type { AppStore } from './app-store'
import { filesFor } from './files'

// Sending files and voice notes from the UI (attach button, drop, paste, recorder): each
// goes up through FileStore and its entry joins the open timeline at once.

/** Sends each file; resolves to the first error message, or null when all went. */
export async function sendFiles(
  store: AppStore,
  room: string,
  list: File[],
): Promise<string | null> {
  const files = filesFor(store.api)
  let failed: string | null = null
  for (const file of list) {
    try {
      const entry = (await files.upload({
        room,
        kind: 'file',
        blob: file,
        name: file.name || pastedName(file),
      })) as TimelineEntry
      store.timeline(room).add(entry)
      if (room === store.getState().active && !store.atBottom) store.jumpToLatest()
    } catch (err) {
      failed ??= err instanceof Error ? err.message : String(err)
    }
  }
  return failed
}

export async function sendVoiceNote(
  store: AppStore,
  room: string,
  blob: Blob,
  durationMs: number,
): Promise<void> {
  const entry = (await filesFor(store.api).upload({
    room,
    kind: 'audio',
    blob,
    name: 'voice-note.webm',
    duration: durationMs,
  })) as TimelineEntry
  store.timeline(room).add(entry)
  if (room === store.getState().active && !store.atBottom) store.jumpToLatest()
}

/** A pasted screenshot has no name: give it one with the right extension. */
function pastedName(file: File): string {
  const ext = (file.type.split('/')[1] ?? 'bin').replace(/[^a-z0-9]/gu, '') || 'bin'
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/gu, '-')
  return `pasted-${stamp}.${ext}`
}

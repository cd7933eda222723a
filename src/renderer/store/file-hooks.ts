import { useEffect, useState, useSyncExternalStore } from 'react'
import type { FileProgress } from '../../shared/types'
import { filesFor, type FileStore, type UploadState } from './files'
import { useAppState, useStore } from './hooks'

// React bindings for FileStore: progress, uploads and media URLs.

export function useFiles(): FileStore {
  return filesFor(useStore().api)
}

function useFilesVersion(files: FileStore): number {
  return useSyncExternalStore(files.subscribe, files.getVersion)
}

export function useFileProgress(id: string): FileProgress | null {
  const files = useFiles()
  useFilesVersion(files)
  return files.progressOf(id)
}

export function useUploads(): UploadState[] {
  const files = useFiles()
  return useSyncExternalStore(files.subscribe, () => files.activeUploads())
}

/** The URL of an entry's bytes once `enabled` (they are here), else null. */
export function useFileUrl(room: string, id: string, enabled: boolean): string | null {
  const files = useFiles()
  const [url, setUrl] = useState<string | null>(null)
  useEffect(() => {
    if (!enabled) return
    let live = true
    void files.fileUrl(room, id).then((u) => live && setUrl(u))
    return () => {
      live = false
    }
  }, [files, room, id, enabled])
  return enabled ? url : null
}

/** A member's avatar picture URL in a room, null while there is none. */
export function useAvatarUrl(room: string | undefined, member: string): string | null {
  const files = useFiles()
  useFilesVersion(files)
  const version = files.avatarVersion
  const hash = useAppState((s) =>
    room ? (s.members[room]?.find((m) => m.key === member)?.avatar?.hash ?? '') : '',
  )
  const [url, setUrl] = useState<string | null>(null)
  useEffect(() => {
    if (!room || !hash) return setUrl(null)
    let live = true
    void files
      .avatarUrl(room, member, hash)
      .then((u) => live && setUrl(u ? `${u}${u.includes('?') ? '&' : '?'}n=${version}` : null))
    return () => {
      live = false
    }
  }, [files, room, member, hash, version])
  return url
}

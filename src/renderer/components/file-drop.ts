import { useState, type DragEvent } from 'react'
import { useStore } from '../store/hooks'
import { sendFiles } from '../store/send-files'

// Files dropped anywhere on the open room (timeline or composer) are sent to it. Failed
// uploads show in the composer's upload list.

export function useFileDrop(room: string | null): {
  dropping: boolean
  handlers: {
    onDragOver: (ev: DragEvent) => void
    onDragLeave: (ev: DragEvent) => void
    onDrop: (ev: DragEvent) => void
  }
} {
  const store = useStore()
  const [dropping, setDropping] = useState(false)
  const carriesFiles = (ev: DragEvent) => ev.dataTransfer.types.includes('Files')
  return {
    dropping,
    handlers: {
      onDragOver: (ev) => {
        if (!room || !carriesFiles(ev)) return
        ev.preventDefault()
        ev.dataTransfer.dropEffect = 'copy'
        setDropping(true)
      },
      onDragLeave: (ev) => {
        if (!ev.currentTarget.contains(ev.relatedTarget as Node | null)) setDropping(false)
      },
      onDrop: (ev) => {
        setDropping(false)
        if (!room || !carriesFiles(ev)) return
        ev.preventDefault()
        void sendFiles(store, room, [...ev.dataTransfer.files])
      },
    },
  }
}

import { useEffect, useRef, useState, type ReactElement } from 'react'
import { MAX_VOICE_NOTE_MS } from '../../shared/limits'
import { formatDuration } from './FileCard'
import { Icon } from './icons'

// Records a voice note with MediaRecorder (Opus in WebM). The duration is measured from
// the recorder's own start and stop events, not from the blob. Stops by itself at the
// engine's voice-note cap.

const MIME = 'audio/webm;codecs=opus'
const TICK_MS = 250

export interface Recording {
  blob: Blob
  durationMs: number
}

export function VoiceRecorder(props: {
  onDone: (recording: Recording) => void
  onCancel: () => void
  onError: (text: string) => void
}): ReactElement {
  const [elapsed, setElapsed] = useState(0)
  const recorder = useRef<MediaRecorder | null>(null)
  const send = useRef(false)
  // The recording outlives re-renders of the composer: callbacks are read when needed.
  const callbacks = useRef(props)
  callbacks.current = props

  useEffect(() => {
    const onDone = (r: Recording) => callbacks.current.onDone(r)
    const onCancel = () => callbacks.current.onCancel()
    const onError = (text: string) => callbacks.current.onError(text)
    let stream: MediaStream | null = null
    let started = 0
    let timer: ReturnType<typeof setInterval> | null = null
    let gone = false
    const chunks: Blob[] = []
    const stopTracks = () => stream?.getTracks().forEach((t) => t.stop())

    navigator.mediaDevices
      .getUserMedia({ audio: true })
      .then((s) => {
        stream = s
        if (gone) return stopTracks()
        const type = MediaRecorder.isTypeSupported(MIME) ? MIME : ''
        const rec = new MediaRecorder(s, type ? { mimeType: type } : undefined)
        recorder.current = rec
        rec.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data)
        rec.onstart = () => {
          started = performance.now()
          timer = setInterval(() => {
            const ms = performance.now() - started
            setElapsed(ms)
            if (ms >= MAX_VOICE_NOTE_MS && rec.state === 'recording') {
              send.current = true
              rec.stop()
            }
          }, TICK_MS)
        }
        rec.onstop = () => {
          const durationMs = Math.min(performance.now() - started, MAX_VOICE_NOTE_MS)
          if (timer) clearInterval(timer)
          stopTracks()
          if (send.current && chunks.length > 0)
            onDone({ blob: new Blob(chunks, { type: rec.mimeType || 'audio/webm' }), durationMs })
          else onCancel()
        }
        rec.start(TICK_MS * 4)
      })
      .catch((err: unknown) => {
        onError(
          err instanceof Error && err.name === 'NotAllowedError'
            ? 'LinkUp may not use the microphone.'
            : 'No microphone to record from.',
        )
      })
    return () => {
      gone = true
      if (timer) clearInterval(timer)
      const rec = recorder.current
      if (rec && rec.state !== 'inactive') rec.stop()
      stopTracks()
    }
  }, [])

  const finish = (keep: boolean) => {
    send.current = keep
    const rec = recorder.current
    if (rec && rec.state !== 'inactive') rec.stop()
    else if (!keep) props.onCancel()
  }

  return (
    <div className="recorder" data-testid="voice-recorder">
      <span className="recorder-dot" aria-hidden />
      <span className="recorder-time" data-testid="voice-elapsed">
        {formatDuration(elapsed)}
      </span>
      <span className="muted grow">Recording voice note…</span>
      <button
        className="composer-tool"
        aria-label="Cancel voice note"
        data-testid="voice-cancel"
        onClick={() => finish(false)}
      >
        <Icon name="x" size={17} />
      </button>
      <button
        className="send-btn"
        aria-label="Stop and send voice note"
        data-testid="voice-send"
        onClick={() => finish(true)}
      >
        <Icon name="send" size={17} />
      </button>
    </div>
  )
}

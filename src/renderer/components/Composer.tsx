import {
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type KeyboardEvent,
  type ReactElement,
} from 'react'
import type { Member, RoomInfo, TimelineEntry } from '../../shared/types'
import { commandInProgress, commandSuggestions } from '../commands'
import { message } from '../store/app-store'
import { useUploads } from '../store/file-hooks'
import { useAppState, useStore } from '../store/hooks'
import { sendFiles, sendVoiceNote } from '../store/send-files'
import { formatBytes } from './FileCard'
import { Icon } from './icons'
import { VoiceRecorder, type Recording } from './VoiceRecorder'
import { insertMention, mentionQuery, mentionSuggestions, mentionedKeys } from './mentions'
import { firstLine } from './ReplyQuote'

const MAX_HEIGHT_PX = 220
/** Unsent text per room survives switching rooms. */
const drafts = new Map<string, string>()
const NO_MEMBERS: Member[] = []

interface Notice {
  ok: boolean
  text: string
}

export function Composer(props: {
  room: RoomInfo | null
  editing: TimelineEntry | null
  onEditDone: () => void
  onEditLast: () => void
}): ReactElement {
  const { room, editing } = props
  const store = useStore()
  const roomKey = room?.key ?? ''
  const [text, setText] = useState(() => drafts.get(roomKey) ?? '')
  const [notice, setNotice] = useState<Notice | null>(null)
  const [pick, setPick] = useState(0)
  const [busy, setBusy] = useState(false)
  const [recording, setRecording] = useState(false)
  const area = useRef<HTMLTextAreaElement>(null)
  const picker = useRef<HTMLInputElement>(null)
  const uploads = useUploads()
  const replying = useAppState((s) => (roomKey ? (s.replying[roomKey] ?? null) : null))
  const members = useAppState((s) => s.members[roomKey] ?? NO_MEMBERS)
  const [caret, setCaret] = useState(0)
  const [mentionPick, setMentionPick] = useState(0)
  const [mentionOff, setMentionOff] = useState(false)
  /** Members picked from the @ list: key -> name as inserted. */
  const picked = useRef(new Map<string, string>())
  const mention = editing || mentionOff ? null : mentionQuery(text, caret)
  const mentionList = mention ? mentionSuggestions(members, mention.query) : []
  const suggestions = editing ? [] : commandSuggestions(text)
  const current = editing ? undefined : commandInProgress(text)

  // Entering edit mode loads the message; leaving it restores the draft.
  useEffect(() => {
    setText(editing ? editing.text : (drafts.get(roomKey) ?? ''))
    area.current?.focus()
  }, [editing, roomKey])

  useLayoutEffect(() => {
    const el = area.current
    if (!el) return
    el.style.height = 'auto'
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`
  }, [text])

  useEffect(() => setPick(0), [suggestions.length])
  useEffect(() => setMentionPick(0), [mentionList.length, mention?.query])
  useEffect(() => {
    if (replying) area.current?.focus()
  }, [replying])

  const change = (value: string, at = value.length) => {
    setText(value)
    setCaret(at)
    setMentionOff(false)
    if (!editing) drafts.set(roomKey, value)
    if (notice && !notice.ok) setNotice(null)
    // Peers see "typing…" for messages, not for commands; the store throttles it.
    if (room && !editing && value.trim() && !value.startsWith('~')) store.typingIn(room.key)
  }

  const pickMention = (m: Member) => {
    if (!mention) return
    const next = insertMention(text, mention.start, caret, m.name)
    picked.current.set(m.key, m.name)
    change(next.text, next.caret)
    requestAnimationFrame(() => {
      area.current?.focus()
      area.current?.setSelectionRange(next.caret, next.caret)
    })
  }

  const submit = async () => {
    const input = text.trim()
    if (!input || busy) return
    if (editing) {
      if (!room) return
      setBusy(true)
      try {
        if (input !== editing.text) await store.edit(room.key, editing.id, input)
        props.onEditDone()
      } catch (err) {
        setNotice({ ok: false, text: message(err) })
      } finally {
        setBusy(false)
      }
      return
    }
    if (input.startsWith('~')) {
      setBusy(true)
      try {
        const result = await store.runCommand(input)
        setNotice({ ok: result.ok, text: result.message })
        if (result.ok) change('')
      } catch (err) {
        setNotice({ ok: false, text: message(err) })
      } finally {
        setBusy(false)
      }
      return
    }
    if (!room) {
      setNotice({
        ok: false,
        text: 'Create or join a room first: ~create <name> or ~join <room key>.',
      })
      return
    }
    // Clear at once so typing on feels instant; put the text back if sending fails.
    const mentions = mentionedKeys(input, picked.current)
    change('')
    setNotice(null)
    try {
      await store.send(room.key, input, mentions)
      picked.current.clear()
    } catch (err) {
      change(input)
      setNotice({ ok: false, text: message(err) })
    }
  }

  const attach = async (list: File[]) => {
    if (!room || list.length === 0) return
    const failed = await sendFiles(store, room.key, list)
    if (failed) setNotice({ ok: false, text: failed })
  }

  // A pasted image (a screenshot) is sent as a file; pasted text stays text.
  const onPaste = (ev: ClipboardEvent<HTMLTextAreaElement>) => {
    const list = [...ev.clipboardData.files]
    if (list.length === 0 || !room) return
    ev.preventDefault()
    void attach(list)
  }

  const recorded = async ({ blob, durationMs }: Recording) => {
    setRecording(false)
    if (!room) return
    try {
      await sendVoiceNote(store, room.key, blob, durationMs)
    } catch (err) {
      setNotice({ ok: false, text: message(err) })
    }
  }

  const complete = (name: string) => {
    change(`~${name} `)
    area.current?.focus()
  }

  const onKeyDown = (ev: KeyboardEvent<HTMLTextAreaElement>) => {
    if (ev.nativeEvent.isComposing) return
    if (mentionList.length > 0) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault()
        const step = ev.key === 'ArrowDown' ? 1 : -1
        setMentionPick((p) => (p + step + mentionList.length) % mentionList.length)
        return
      }
      if (ev.key === 'Tab' || (ev.key === 'Enter' && !ev.shiftKey)) {
        ev.preventDefault()
        pickMention(mentionList[mentionPick] ?? mentionList[0])
        return
      }
      if (ev.key === 'Escape') {
        ev.preventDefault()
        setMentionOff(true)
        return
      }
    }
    if (suggestions.length > 0) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault()
        const step = ev.key === 'ArrowDown' ? 1 : -1
        setPick((p) => (p + step + suggestions.length) % suggestions.length)
        return
      }
      const chosen = suggestions[pick]
      const typed = text.slice(1).toLowerCase()
      // Tab always completes; Enter completes a partial name, and runs a complete one.
      if (
        ev.key === 'Tab' ||
        (ev.key === 'Enter' && !ev.shiftKey && chosen && (chosen.name !== typed || chosen.args))
      ) {
        ev.preventDefault()
        complete(chosen.name)
        return
      }
    }
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault()
      void submit()
    } else if (ev.key === 'ArrowUp' && text === '' && !editing) {
      ev.preventDefault()
      props.onEditLast()
    } else if (ev.key === 'Escape') {
      if (editing) props.onEditDone()
      else if (replying && room) store.setReplying(room.key, null)
      else setNotice(null)
    }
  }

  return (
    <div className="composer" data-testid="composer">
      {mentionList.length > 0 ? (
        <ul className="command-help" role="listbox" data-testid="mention-help" aria-label="Members">
          <li className="command-help-title muted">Mention</li>
          {mentionList.map((m, i) => (
            <li
              key={m.key}
              role="option"
              aria-selected={i === mentionPick}
              className={i === mentionPick ? 'picked' : ''}
              data-testid="mention-option"
              onMouseDown={(e) => {
                e.preventDefault()
                pickMention(m)
              }}
              onMouseEnter={() => setMentionPick(i)}
            >
              <span className="command-name">@{m.name}</span>
              <span className="command-about mono muted">
                {m.key.slice(0, 4)}…{m.key.slice(-4)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {suggestions.length > 0 ? (
        // A listbox the textarea controls: arrows move aria-activedescendant, so a
        // screen reader reads the picked command while focus stays in the composer.
        <div className="command-help" data-testid="command-help">
          <div className="command-help-title muted" id="command-help-title">
            Commands
          </div>
          <ul role="listbox" id="command-help-list" aria-labelledby="command-help-title">
            {suggestions.map((c, i) => (
              <li
                key={c.name}
                id={`command-option-${c.name}`}
                role="option"
                aria-selected={i === pick}
                className={i === pick ? 'picked' : ''}
                onMouseDown={(e) => {
                  e.preventDefault()
                  complete(c.name)
                }}
                onMouseEnter={() => setPick(i)}
              >
                <span className="mono command-name">
                  ~{c.name}
                  {c.args ? <span className="muted command-args">{c.args}</span> : null}
                </span>
                <span className="command-about">{c.about}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {notice ? (
        <div
          className={`composer-notice ${notice.ok ? 'ok' : 'error'}`}
          role={notice.ok ? 'status' : 'alert'}
          data-testid={notice.ok ? 'command-result' : 'command-error'}
        >
          <Icon name={notice.ok ? 'terminal' : 'x'} size={15} />
          <pre>{notice.text}</pre>
          <button className="icon-btn" aria-label="Dismiss" onClick={() => setNotice(null)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ) : null}
      {replying && !editing && room ? (
        <div className="composer-editing" data-testid="reply-banner">
          <Icon name="reply" size={14} />
          <span>
            Replying to <strong>{replying.authorName}</strong>
          </span>
          <span className="muted reply-banner-line">{firstLine(replying)}</span>
          <button
            className="icon-btn"
            aria-label="Cancel reply"
            onClick={() => store.setReplying(room.key, null)}
          >
            <Icon name="x" size={14} />
          </button>
        </div>
      ) : null}
      {editing ? (
        <div className="composer-editing" data-testid="editing-banner">
          <Icon name="edit" size={14} />
          <span>Editing message</span>
          <span className="muted">Enter to save · Esc to cancel</span>
          <button className="icon-btn" aria-label="Cancel editing" onClick={props.onEditDone}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ) : null}
      {uploads.length > 0 ? (
        <div className="uploads" data-testid="uploads">
          {uploads.map((u) => (
            <div
              key={u.key}
              className={`upload${u.error ? ' failed' : ''}`}
              data-testid="upload"
              role={u.error ? 'alert' : 'status'}
            >
              <Icon name={u.error ? 'alert' : u.kind === 'audio' ? 'mic' : 'paperclip'} size={14} />
              <span className="upload-name">
                {u.error ? `${u.name}: ${u.error}` : `Sending ${u.name}`}
              </span>
              <span className="muted">
                {formatBytes(u.done)} / {formatBytes(u.total)}
              </span>
              {u.error ? null : (
                <div className="file-progress">
                  <span style={{ width: `${u.total ? (u.done / u.total) * 100 : 100}%` }} />
                </div>
              )}
            </div>
          ))}
        </div>
      ) : null}
      <div
        className={`composer-box${editing ? ' editing' : ''}${room && !editing ? ' with-tools' : ''}`}
      >
        {room && !editing && !recording ? (
          <>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              data-testid="file-input"
              onChange={(e) => {
                const list = [...(e.target.files ?? [])]
                e.target.value = ''
                void attach(list)
              }}
            />
            <button
              className="composer-tool"
              aria-label="Attach files"
              title="Attach files"
              data-testid="attach-button"
              onClick={() => picker.current?.click()}
            >
              <Icon name="paperclip" size={18} />
            </button>
          </>
        ) : null}
        {recording ? (
          <VoiceRecorder
            onDone={(r) => void recorded(r)}
            onCancel={() => setRecording(false)}
            onError={(text) => {
              setRecording(false)
              setNotice({ ok: false, text })
            }}
          />
        ) : null}
        <textarea
          hidden={recording}
          onPaste={onPaste}
          ref={area}
          rows={1}
          id="composer-input"
          data-testid="composer-input"
          value={text}
          placeholder={room ? `Message #${room.name}` : 'Type ~create <name> or ~join <room key>'}
          aria-label={editing ? 'Edit message' : 'Message'}
          aria-controls={suggestions.length > 0 ? 'command-help-list' : undefined}
          aria-activedescendant={
            suggestions[pick] ? `command-option-${suggestions[pick].name}` : undefined
          }
          aria-autocomplete={suggestions.length > 0 ? 'list' : undefined}
          spellCheck
          onChange={(e) => change(e.target.value, e.target.selectionStart ?? e.target.value.length)}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
          onKeyDown={onKeyDown}
        />
        {room && !editing && !recording && !text.trim() ? (
          <button
            className="composer-tool"
            aria-label="Record a voice note"
            title="Record a voice note"
            data-testid="voice-button"
            onClick={() => setRecording(true)}
          >
            <Icon name="mic" size={18} />
          </button>
        ) : null}
        <button
          hidden={recording}
          className="send-btn"
          aria-label={editing ? 'Save edit' : 'Send'}
          data-testid="send-button"
          disabled={!text.trim() || busy}
          onClick={() => void submit()}
        >
          <Icon name={editing ? 'check' : 'send'} size={17} />
        </button>
      </div>
      <div className="composer-hint muted">
        {current ? (
          <span>
            <span className="mono">
              ~{current.name} {current.args}
            </span>{' '}
            — {current.about}
          </span>
        ) : (
          <span>
            <kbd>Enter</kbd> send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>~</kbd>{' '}
            commands · <kbd>↑</kbd> edit last
          </span>
        )}
      </div>
    </div>
  )
}

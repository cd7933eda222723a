// View types: what the engine hands to the shells (Electron, browser, bot) and what
// the renderer draws. Keys are lowercase hex strings.

export interface Profile {
  /** Member identity key (Ed25519 public key, hex). */
  key: string
  name: string
  avatar: FileRef | null
  /** Marks this member as a bot (its profile says so). */
  bot?: boolean
}

export interface RoomInfo {
  key: string
  name: string
  /** Peers with an authenticated room channel open right now. */
  peers: number
  unread: number
  /** Order key of the last entry the user has seen, '' when none. */
  readMark: string
  /** Order key up to which `~clear` hides history, '' when never cleared. */
  clearedMark: string
  /** While the room has no peer: the engine is looking for members (absent or null once it has one). */
  finding?: Finding | null
}

/** What the engine is doing to find a room's members while it has none (times in ms since the epoch). */
export interface Finding {
  /** When the room started looking: joined or opened, or its last peer left. */
  since: number
  /** When the latest DHT lookup of the room's topic started. */
  lastAttempt: number
  /** Lookups made since `since`. */
  attempts: number
}

export interface FileRef {
  /** Hyperdrive key of the member who shared it. */
  drive: string
  /** Path inside that drive; chosen by the sender's engine, never used as a local path. */
  path: string
  /** Original file name: a display name only. */
  name: string
  size: number
  type: string
  /** BLAKE2b-256 of the bytes, hex. */
  hash: string
}

export type DeliveryState = { state: 'sent'; peers: 0 } | { state: 'reached'; peers: number }

export interface TimelineEntry {
  /** `${writerKey}.${seq}.${index}`: stable across peers. */
  id: string
  room: string
  /** The writer core's key: who wrote it, as signed by hypercore. */
  author: string
  authorName: string
  kind: 'text' | 'file' | 'audio'
  /** Markdown source for text entries (after edits). */
  text: string
  file: FileRef | null
  /** Voice-note duration in ms. */
  duration: number
  /** Wall-clock time the author's clock gave it, ms since epoch. */
  time: number
  /**
   * It reached this node more than a day after its own date (`time`), though it was not
   * history yet when we first saw its writer: shown as "arrived late" with that date, so a
   * back-dated entry cannot pass as old history.
   */
  late?: boolean
  /** Sort key: every peer orders the timeline by it and gets the same order. */
  order: string
  edited: boolean
  deleted: boolean
  own: boolean
  /** Own entries only. */
  delivery: DeliveryState | null
  /** File and audio entries: where their bytes are (see FileState). */
  fileState?: FileState
  /** Id of the entry this one replies to (any member's), or absent. */
  replyTo?: string
  /** Member keys the text mentions; `mentioned` is true when one of them is ours. */
  mentions?: string[]
  mentioned?: boolean
  /** The author's profile says it is a bot. */
  authorBot?: boolean
  /** Reactions on this entry, one line per emoji. */
  reactions?: ReactionSummary[]
}

export interface ReactionSummary {
  emoji: string
  count: number
  /** True when we reacted with this emoji. */
  mine: boolean
  /** Who reacted (names as their signed entries give them), at most a few dozen. */
  who: Array<{ key: string; name: string }>
}

export interface TypingInfo {
  room: string
  /** Members typing right now, by writer key; names from their signed entries. */
  members: Array<{ key: string; name: string }>
}

/** One search hit: the message, and a short excerpt around the words found. */
export interface SearchHit {
  entry: TimelineEntry
  /** Plain text around the first match, with the matched words listed separately. */
  excerpt: string
  terms: string[]
  score: number
}

export interface RoomStats {
  room: string
  name: string
  invite: string
  members: number
  writers: number
  blocks: number
  bytes: number
  peers: number
  /** Own member key in this room, shortened for people. */
  fingerprint: string
}

/**
 * 'remote': not downloaded here yet; 'downloading': a download runs ('file:progress');
 * 'ready': the verified bytes are here; 'broken': the bytes do not match the entry
 * (hash or size), so they are never presented as the file.
 */
export type FileState = 'remote' | 'downloading' | 'ready' | 'broken'

export interface FileProgress {
  room: string
  /** The file or audio entry's id. */
  id: string
  /** Bytes of the file held here so far, and its size. */
  done: number
  total: number
  /** Bytes per second fetched over the last second. */
  rate: number
}

export interface PeerInfo {
  /** Member key (the peer's writer key in this room). */
  key: string
  name: string
  room: string
}

export interface Member {
  key: string
  name: string
  avatar: FileRef | null
  online: boolean
  own: boolean
  /** Muted here: entries hidden, nothing downloaded by itself. Blocked: also not followed. */
  muted?: boolean
  blocked?: boolean
  /** Fingerprint of the member who had this name (or avatar) here first: shown beside it. */
  sameNameAs?: string
  sameAvatarAs?: string
  /** Over a quota here: "‹name› is sending too much — paused", until resumed. */
  paused?: 'messages' | 'bytes' | null
  bot?: boolean
  /**
   * Online members are direct links or heard through the mesh (their presence beacon).
   * For the others: when they were last heard of here (ms since epoch), or null.
   */
  lastSeen?: number | null
}

export interface MemberPaused {
  room: string
  key: string
  name: string
  reason: 'messages' | 'bytes'
}

export interface WriterSync {
  /** The writer's key in this room. */
  key: string
  /** Blocks of its core on disk here, and how many it has written that we know of. */
  held: number
  length: number
}

/**
 * 'complete': every known block is here and in the timeline. 'catching-up': blocks are
 * missing and arriving. 'gap': blocks are missing and nothing has arrived for a while
 * (nobody connected has them): the room says so rather than look complete.
 */
export type SyncState = 'complete' | 'catching-up' | 'gap'

export interface SyncProgress {
  room: string
  /** Blocks this node has of all known writers in the room, and how many exist. */
  have: number
  total: number
  /** Messages still to come: blocks missing or not yet read into the timeline. */
  missing: number
  state: SyncState
  /** Only writers that are not complete, at most MAX_SYNC_WRITERS_REPORTED of them. */
  writers: WriterSync[]
}

export interface CommandResult {
  ok: boolean
  /** Text to show the user: the answer, or the error. */
  message: string
  /** Set when the command switched or created a room. */
  room?: string
}

/** Events every shell receives from the engine. */
export interface EngineEvents {
  'entry:added': TimelineEntry
  'entry:updated': TimelineEntry
  'peer:connected': PeerInfo
  'peer:left': PeerInfo
  'room:joined': RoomInfo
  'room:left': { key: string }
  'room:updated': RoomInfo
  'sync:progress': SyncProgress
  'profile:updated': Profile
  'network:updated': { online: boolean }
  'file:progress': FileProgress
  /** A member's avatar bytes arrived and were verified; read them with readAvatar. */
  'avatar:updated': { room: string; member: string; avatar: FileRef }
  /** A member went over a quota here; their new messages wait until resumed. */
  'member:paused': MemberPaused
  /** Who is typing in a room changed (ephemeral: never stored). */
  'typing:updated': TypingInfo
}

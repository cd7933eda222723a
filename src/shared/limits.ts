// Size and count limits shared by the engine, the shells and the UI. Every value
// that crosses a trust boundary is checked against one of these.

/** Markdown source of one text entry, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 16 * 1024
/** Display names: characters after NFC normalisation and stripping. */
export const MIN_NAME_CHARS = 1
export const MAX_NAME_CHARS = 32
/** Room aliases shown in the sidebar. */
export const MAX_ROOM_NAME_CHARS = 64
/** One hypercore block holds a batch of entries; caps keep a block well under a Noise frame. */
export const MAX_ENTRIES_PER_BLOCK = 256
export const MAX_BLOCK_BYTES = 1024 * 1024
/** A frame on the room channel (hello, writer lists, pings). */
export const MAX_CHANNEL_FRAME_BYTES = 64 * 1024
/** Writers a room accepts; more is treated as abuse and ignored. */
export const MAX_WRITERS_PER_ROOM = 1024
/** Files: default maximum size, checked from the entry before any byte is fetched. */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024
export const MAX_FILE_NAME_CHARS = 255
/** A download that makes no progress for this long gives up; its blocks stay for a retry. */
export const FILE_STALL_MS = 30_000
/** Voice notes and avatars download automatically below these caps. */
export const MAX_VOICE_NOTE_MS = 10 * 60 * 1000
export const MAX_VOICE_NOTE_BYTES = 20 * 1024 * 1024
export const MAX_AVATAR_BYTES = 1024 * 1024
export const MAX_AVATAR_PIXELS = 1024
/** One page of history handed to a UI or a bot. */
export const HISTORY_PAGE = 200
/** One chunk of a renderer-to-host upload (sent base64 inside one IPC/WebSocket frame). */
export const MAX_UPLOAD_CHUNK_BYTES = 256 * 1024
/** Uploads a host keeps open at once, and how long an idle one lives. */
export const MAX_OPEN_UPLOADS = 8
export const UPLOAD_IDLE_MS = 5 * 60 * 1000
/** Catch-up: how long missing history may see no progress before the room reports a gap. */
export const SYNC_GAP_MS = 5000
/** Writers listed one by one in a sync report (the totals always count all of them). */
export const MAX_SYNC_WRITERS_REPORTED = 64
/** Direct links (room channels) one room keeps by default, and the most config.json may ask. */
export const DEFAULT_MESH_SIZE = 8
export const MAX_MESH_SIZE = 64
/** Rooms one node can be in: the hello on every connection is padded to this many tags. */
export const MAX_ROOMS = 128
/**
 * Clocks: an entry dated more than this ahead of the receiver's wall clock is held back
 * until it is not, and nothing received moves our own clock further ahead than this.
 */
export const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000
/** Blocks with entries from the future one writer may have held back at once. */
export const MAX_FUTURE_BLOCKS_PER_WRITER = 256
/** Invalid frames one connection may send before it is dropped, and the back-off after. */
export const BAD_FRAMES_BEFORE_DISCONNECT = 16
export const BAN_MIN_MS = 60_000
export const BAN_MAX_MS = 60 * 60_000
/** Gossiped writer keys followed on probation at once per peer that passed them on. */
export const MAX_UNPROVEN_WRITERS_PER_PEER = 32
/** How long a gossiped writer key has to show a valid entry before it is dropped. */
export const ADMISSION_PROBATION_MS = 30_000
/** Keys that failed probation, remembered so they are not tried again. */
export const MAX_REJECTED_WRITERS = 16_384
/**
 * Quotas per writer per room, enforced by every receiver. Far above what a person (or a
 * busy bot) sends: past one, we stop fetching that writer's new blocks until the member
 * resumes them; nothing already received is lost.
 */
export const QUOTA_BLOCKS_PER_MINUTE = 600
export const QUOTA_ENTRY_BYTES_PER_HOUR = 64 * 1024 * 1024
/** Files, voice notes and avatars fetched by themselves from one writer, per hour. */
export const QUOTA_AUTO_DOWNLOADS_PER_HOUR = 60
export const QUOTA_AUTO_BYTES_PER_HOUR = 200 * 1024 * 1024
/**
 * The timeline holds a window of entries in memory, not the room: past TIMELINE_WINDOW_MAX
 * it drops back to TIMELINE_WINDOW_KEEP around what the reader last asked for (the newest,
 * or the page scrolled back to); the rest are read again from the cores when needed.
 */
export const TIMELINE_WINDOW_MAX = 3000
export const TIMELINE_WINDOW_KEEP = 1500
/** Edited or deleted entries whose change is held while the entry itself is not loaded. */
export const MAX_PENDING_CHANGES = 20_000
/** Replies, reactions, mentions, typing, search (issue 14). */
export const MAX_MENTIONS = 20
export const MAX_EMOJI_BYTES = 32
/** Distinct emojis kept per entry; a new one past this is ignored. */
export const MAX_REACTION_EMOJIS = 20
/** Entries per room whose reactions are held in memory; the oldest-touched are dropped. */
export const MAX_REACTION_TARGETS = 20_000
/** A typing indicator lapses after this long without a keystroke. */
export const TYPING_TTL_MS = 5000
/** A member announces typing at most this often; receivers drop faster frames. */
export const TYPING_SEND_MS = 2000
export const TYPING_MIN_GAP_MS = 500
/** Search: words of a query, hits returned, and messages one room's index holds. */
export const MAX_SEARCH_QUERY_CHARS = 200
export const MAX_SEARCH_RESULTS = 50
export const MAX_INDEXED_MESSAGES = 250_000

import { MAX_ROOM_NAME_CHARS } from '../shared/limits'
import { inviteLink, fingerprint } from '../shared/roomkey'
import type {
  CommandResult,
  Member,
  PeerInfo,
  Profile,
  RoomInfo,
  RoomStats,
  SearchHit,
} from '../shared/types'
import { MODERATION_COMMANDS } from './moderation-commands'

// The one command language of LinkUp, shared by the composer and the bot's host:
// parse, then run against the engine. A command that does not parse, names no room
// where it needs one, or fails inside the engine returns { ok: false } and changes nothing.

export interface CommandTarget {
  createRoom(name: string): Promise<RoomInfo>
  joinRoom(key: string, name?: string): Promise<RoomInfo>
  leaveRoom(key: string): Promise<void>
  clear(room: string): Promise<void>
  rooms(): RoomInfo[]
  peers(room: string): PeerInfo[]
  setName(name: string): Promise<Profile>
  ping(room: string): Promise<Array<{ peer: PeerInfo; ms: number }>>
  moderate(room: string, kind: 'mute' | 'block', who: string, on: boolean): Promise<Member>
  members(room: string): Member[]
  search(room: string, query: string): Promise<SearchHit[]>
  roomStats(room: string): RoomStats
}

/** Hits ~search lists in its answer (the search box shows more). */
const SEARCH_LIST = 10

interface Spec {
  usage: string
  help: string
  /** How many words it takes: [min, max]; the last one swallows the rest of the line. */
  args: [number, number]
  needsRoom: boolean
  run(target: CommandTarget, args: string[], room: string | undefined): Promise<CommandResult>
}

const ok = (message: string, room?: string): CommandResult => ({
  ok: true,
  message,
  ...(room ? { room } : {}),
})

export const COMMANDS: Record<string, Spec> = {
  create: {
    usage: '~create <name>',
    help: 'Create a room and show its invite.',
    args: [1, 1],
    needsRoom: false,
    async run(t, [name]) {
      if ([...name].length > MAX_ROOM_NAME_CHARS)
        throw new Error(`A room name has at most ${MAX_ROOM_NAME_CHARS} characters.`)
      const room = await t.createRoom(name)
      return ok(`Created “${room.name}”. Invite others with ${inviteLink(room.key)}`, room.key)
    },
  },
  join: {
    usage: '~join <room key> [name]',
    help: 'Join a room by its key or linkup:// link.',
    args: [1, 2],
    needsRoom: false,
    async run(t, [key, name]) {
      const room = await t.joinRoom(key, name)
      return ok(`Joined “${room.name}”.`, room.key)
    },
  },
  leave: {
    usage: '~leave',
    help: 'Leave this room (its history stays on disk).',
    args: [0, 0],
    needsRoom: true,
    async run(t, _args, room) {
      await t.leaveRoom(room!)
      return ok('You left the room.')
    },
  },
  clear: {
    usage: '~clear',
    help: 'Hide this room’s history up to now, on this device only.',
    args: [0, 0],
    needsRoom: true,
    async run(t, _args, room) {
      await t.clear(room!)
      return ok('History cleared on this device.')
    },
  },
  rooms: {
    usage: '~rooms',
    help: 'List your rooms.',
    args: [0, 0],
    needsRoom: false,
    async run(t) {
      const rooms = t.rooms()
      if (!rooms.length) return ok('You are in no rooms yet. Try ~create <name>.')
      return ok(
        rooms
          .map((r) => `${r.name}: ${r.peers} online, ${r.unread} unread (${fingerprint(r.key)})`)
          .join('\n'),
      )
    },
  },
  peers: {
    usage: '~peers',
    help: 'List who is online in this room.',
    args: [0, 0],
    needsRoom: true,
    async run(t, _args, room) {
      const peers = t.peers(room!)
      const quiet = t.members(room!).filter((m) => m.muted)
      const lines = peers.map((p) => `${p.name} (${fingerprint(p.key)})`)
      for (const m of quiet)
        lines.push(`${m.name} (${fingerprint(m.key)}): ${m.blocked ? 'blocked' : 'muted'}`)
      if (!lines.length) return ok('Nobody else is online in this room.')
      return ok(lines.join('\n'))
    },
  },
  nick: {
    usage: '~nick <name>',
    help: 'Change your display name.',
    args: [1, 1],
    needsRoom: false,
    async run(t, [name]) {
      const profile = await t.setName(name)
      return ok(`You are now ${profile.name}.`)
    },
  },
  ping: {
    usage: '~ping',
    help: 'Measure the round trip to everyone online in this room.',
    args: [0, 0],
    needsRoom: true,
    async run(t, _args, room) {
      const results = await t.ping(room!)
      if (!results.length) return ok('Nobody else is online in this room.')
      return ok(
        results
          .map((r) => `${r.peer.name}: ${r.ms < 0 ? 'no answer' : `${r.ms.toFixed(1)} ms`}`)
          .join('\n'),
      )
    },
  },
  ...MODERATION_COMMANDS,
  search: {
    usage: '~search <words>',
    help: 'Search this room’s history for messages with these words.',
    args: [1, 1],
    needsRoom: true,
    async run(t, [query], room) {
      const hits = await t.search(room!, query)
      if (!hits.length) return ok(`No messages match “${query}”.`)
      const lines = hits
        .slice(0, SEARCH_LIST)
        .map(
          (h) =>
            `${h.entry.authorName} (${new Date(h.entry.time).toISOString().slice(0, 16).replace('T', ' ')}): ${h.excerpt}`,
        )
      const more = hits.length > SEARCH_LIST ? `\n…and ${hits.length - SEARCH_LIST} more` : ''
      return ok(`${hits.length} message(s) match “${query}”:\n${lines.join('\n')}${more}`)
    },
  },
  info: {
    usage: '~info',
    help: 'Show this room: members, storage, peers, your fingerprint and the invite.',
    args: [0, 0],
    needsRoom: true,
    async run(t, _args, room) {
      const s = t.roomStats(room!)
      return ok(
        [
          `Room “${s.name}”`,
          `Members: ${s.members} (writers: ${s.writers})`,
          `Stored: ${s.blocks} blocks, ${formatBytes(s.bytes)}`,
          `Peers connected: ${s.peers}`,
          `Your fingerprint: ${s.fingerprint}`,
          `Invite: ${s.invite}`,
        ].join('\n'),
      )
    },
  },
  help: {
    usage: '~help',
    help: 'Show this list.',
    args: [0, 0],
    needsRoom: false,
    async run() {
      return ok(helpText())
    },
  },
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

export function helpText(): string {
  return Object.values(COMMANDS)
    .map((c) => `${c.usage.padEnd(24)} ${c.help}`)
    .join('\n')
}

export type ParsedCommand = { name: string; args: string[] } | { error: string }

export function parseCommand(input: string): ParsedCommand {
  const line = input.trim()
  if (!line.startsWith('~')) return { error: 'Commands start with ~. Type ~help for the list.' }
  const [head, ...rest] = line.slice(1).split(/\s+/u)
  const name = head.toLowerCase()
  // Own names only: `~__proto__` or `~constructor` would find Object.prototype's.
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!spec) {
    const guess = closest(name)
    return {
      error: `Unknown command ~${head}.${guess ? ` Did you mean ~${guess}?` : ''} Type ~help for the list.`,
    }
  }
  const [min, max] = spec.args
  // The last argument takes the rest of the line, so names may contain spaces.
  const args =
    rest.length > max && max > 0 ? [...rest.slice(0, max - 1), rest.slice(max - 1).join(' ')] : rest
  if (args.length < min || args.length > max) {
    return { error: `Usage: ${spec.usage}` }
  }
  return { name, args }
}

export async function runCommand(
  target: CommandTarget,
  input: string,
  room?: string,
): Promise<CommandResult> {
  const parsed = parseCommand(input)
  if ('error' in parsed) return { ok: false, message: parsed.error }
  const spec = COMMANDS[parsed.name]
  if (spec.needsRoom && !room)
    return { ok: false, message: `~${parsed.name} works inside a room: open one first.` }
  try {
    return await spec.run(target, parsed.args, room)
  } catch (err: any) {
    return { ok: false, message: err?.message ?? String(err) }
  }
}

/** The command a typo most likely meant, within two edits. */
function closest(word: string): string | null {
  let best: string | null = null
  let bestDistance = 3
  for (const name of Object.keys(COMMANDS)) {
    const d = distance(word, name)
    if (d < bestDistance) {
      best = name
      bestDistance = d
    }
  }
  return best
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]
}

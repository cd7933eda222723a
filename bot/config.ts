import { parseRoomKey } from '../src/shared/roomkey'
import { cleanName } from '../src/shared/names'
import { isLogLevel, type LogLevel } from './log'

// Turns the bot's environment and arguments into a checked configuration. Pure: it
// reads nothing but what it is given, so every bad input is unit-tested and the CLI
// can refuse to start before it opens any storage.

export interface BootstrapNode {
  host: string
  port: number
}

export interface BotConfig {
  /** Room keys, lowercase hex, no duplicates. */
  rooms: string[]
  name: string
  storage: string
  /** Private DHT; undefined means the public DHT. */
  bootstrap: BootstrapNode[] | undefined
  /** Address the DHT binds and announces; 127.0.0.1 when every bootstrap node is loopback. */
  host: string | undefined
  seed: boolean
  logLevel: LogLevel
}

export type ConfigResult = { config: BotConfig } | { help: true } | { error: string }

export const DEFAULT_BOT_NAME = 'LinkUp Bot'
export const DEFAULT_STORAGE = './.linkup-bot'

export const USAGE = `Usage: LINKUP_ROOM_ID=<room key>[,<room key>...] npm run bot [-- options]

Environment:
  LINKUP_ROOM_ID     room keys to join (64 hex characters or linkup://<key>), comma-separated
  LINKUP_BOT_NAME    display name (default "${DEFAULT_BOT_NAME}")
  LINKUP_STORAGE     data folder (default ${DEFAULT_STORAGE})
  LINKUP_BOOTSTRAP   host:port,... of a private DHT (default: the public DHT)
  LINKUP_HOST        address to bind the DHT to (default: 127.0.0.1 for a loopback bootstrap)
  LINKUP_LOG_LEVEL   debug, info, warn, error or silent (default info)

Options:
  --seed / --no-seed   keep every writer's history and every file replicated (default --seed)
  --storage <dir>      same as LINKUP_STORAGE
  --help               this text`

type Env = Record<string, string | undefined>

export function parseBotConfig(env: Env, argv: readonly string[]): ConfigResult {
  let seed = true
  let storageArg: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') return { help: true }
    else if (arg === '--seed') seed = true
    else if (arg === '--no-seed') seed = false
    else if (arg === '--storage' || arg.startsWith('--storage=')) {
      storageArg = arg === '--storage' ? argv[++i] : arg.slice('--storage='.length)
      if (!storageArg) return { error: '--storage needs a folder.' }
    } else return { error: `Unknown option ${JSON.stringify(arg)}.` }
  }

  const rooms = parseRooms(env.LINKUP_ROOM_ID)
  if ('error' in rooms) return rooms

  const name = cleanName(env.LINKUP_BOT_NAME ?? DEFAULT_BOT_NAME)
  if ('error' in name) return { error: `LINKUP_BOT_NAME: ${name.error}` }

  const storage = storageArg ?? (env.LINKUP_STORAGE?.trim() || DEFAULT_STORAGE)

  const bootstrap = parseBootstrap(env.LINKUP_BOOTSTRAP)
  if ('error' in bootstrap) return bootstrap

  const logLevel = (env.LINKUP_LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel
  if (!isLogLevel(logLevel)) {
    return {
      error: `LINKUP_LOG_LEVEL must be debug, info, warn, error or silent, not ${JSON.stringify(env.LINKUP_LOG_LEVEL)}.`,
    }
  }

  const host =
    env.LINKUP_HOST?.trim() ||
    (bootstrap.nodes?.every((n) => isLoopback(n.host)) ? '127.0.0.1' : undefined)

  return {
    config: {
      rooms: rooms.keys,
      name: name.name,
      storage,
      bootstrap: bootstrap.nodes,
      host,
      seed,
      logLevel,
    },
  }
}

export function parseRooms(value: string | undefined): { keys: string[] } | { error: string } {
  if (!value || !value.trim()) {
    return {
      error:
        'LINKUP_ROOM_ID is not set. Set it to the room key to join, e.g. LINKUP_ROOM_ID=<64 hex characters>.',
    }
  }
  const keys: string[] = []
  const parts = value.split(',').map((p) => p.trim())
  for (const [i, part] of parts.entries()) {
    if (!part) return { error: `LINKUP_ROOM_ID has an empty key at position ${i + 1}.` }
    const parsed = parseRoomKey(part)
    if ('error' in parsed)
      return {
        error: `LINKUP_ROOM_ID ${JSON.stringify(shorten(part))} is not a room key. ${parsed.error}`,
      }
    if (!keys.includes(parsed.key)) keys.push(parsed.key)
  }
  return { keys }
}

export function parseBootstrap(
  value: string | undefined,
): { nodes: BootstrapNode[] | undefined } | { error: string } {
  if (value === undefined || !value.trim()) return { nodes: undefined }
  const nodes: BootstrapNode[] = []
  for (const part of value.split(',').map((p) => p.trim())) {
    // host:port, or [v6 address]:port
    const match = /^(?:\[([0-9a-f:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/iu.exec(part)
    const port = match ? Number(match[3]) : 0
    if (!match || port < 1 || port > 65535) {
      return {
        error: `LINKUP_BOOTSTRAP ${JSON.stringify(shorten(part))} is not host:port (e.g. 127.0.0.1:49737).`,
      }
    }
    nodes.push({ host: match[1] ?? match[2], port })
  }
  return { nodes }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/u.test(host)
}

/** Echoes bad input back without flooding the terminal. */
function shorten(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s
}

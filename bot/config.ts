import { parseRoomKey } from '../src/shared/roomkey'
import { cleanName } from '../src/shared/names'
import {
  OptionsError,
  parseOptions,
  type BootstrapNode,
  type StartOptions,
} from '../src/shared/options'
import { isLogLevel, type LogLevel } from './log'

// Turns the bot's environment and arguments into a checked configuration: storage and
// DHT through the parser every shell shares (src/shared/options.ts), the rest here. Pure: it
// reads nothing but what it is given, so every bad input is unit-tested and the CLI
// can refuse to start before it opens any storage.

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
  /** Answer messages of other bots too (default: ignore them). */
  listenToBots: boolean
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
  LINKUP_HOST        address the DHT binds to (default: 127.0.0.1 for a loopback bootstrap)
  LINKUP_LOG_LEVEL   debug, info, warn, error or silent (default info)

Options:
  --seed / --no-seed   keep every writer's history and every file replicated (default --seed)
  --listen-to-bots     also answer other bots (default: messages of bots are ignored)
  --storage <dir>      same as LINKUP_STORAGE
  --bootstrap <list>   same as LINKUP_BOOTSTRAP
  --help               this text`

type Env = Record<string, string | undefined>

export function parseBotConfig(env: Env, argv: readonly string[]): ConfigResult {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true }
  // Storage and DHT options are read exactly as the app reads them.
  let options: StartOptions
  try {
    options = parseOptions(argv, env)
  } catch (err) {
    if (err instanceof OptionsError) return { error: err.message }
    throw err
  }
  let seed = true
  let listenToBots = false
  for (const arg of options.rest) {
    if (arg === '--seed') seed = true
    else if (arg === '--listen-to-bots') listenToBots = true
    else if (arg === '--no-seed') seed = false
    else return { error: `Unknown option ${JSON.stringify(shorten(arg))}.` }
  }

  const rooms = parseRooms(env.LINKUP_ROOM_ID)
  if ('error' in rooms) return rooms

  const name = cleanName(env.LINKUP_BOT_NAME ?? DEFAULT_BOT_NAME)
  if ('error' in name) return { error: `LINKUP_BOT_NAME: ${name.error}` }

  const logLevel = (env.LINKUP_LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel
  if (!isLogLevel(logLevel)) {
    return {
      error: `LINKUP_LOG_LEVEL must be debug, info, warn, error or silent, not ${JSON.stringify(shorten(env.LINKUP_LOG_LEVEL ?? ''))}.`,
    }
  }

  return {
    config: {
      rooms: rooms.keys,
      name: name.name,
      storage: options.storage ?? DEFAULT_STORAGE,
      bootstrap: options.bootstrap ?? undefined,
      host: options.host ?? undefined,
      seed,
      listenToBots,
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
    if ('error' in parsed) {
      return {
        error: `LINKUP_ROOM_ID ${JSON.stringify(shorten(part))} is not a room key. ${parsed.error}`,
      }
    }
    if (!keys.includes(parsed.key)) keys.push(parsed.key)
  }
  return { keys }
}

/** Echoes bad input back without flooding the terminal. */
function shorten(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s
}

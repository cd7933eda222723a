// One line per event: `<ISO time> <level> <message>`, to stdout. Text that came from
// peers (names, commands) is logged through clean() so it cannot forge extra lines.

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value)
}

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line),
  now: () => Date = () => new Date(),
): Logger {
  const min = LOG_LEVELS.indexOf(level)
  const at = (lvl: Exclude<LogLevel, 'silent'>) => (message: string) => {
    if (LOG_LEVELS.indexOf(lvl) < min) return
    write(`${now().toISOString()} ${lvl} ${clean(message)}\n`)
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

// C0/C1 controls and bidi overrides, which could fake a new log line or reorder it.
const CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu

/** Makes text safe for one log line; long text is cut. */
export function clean(text: string, maxChars = 500): string {
  const flat = text.replace(CONTROL, ' ')
  return flat.length > maxChars ? flat.slice(0, maxChars) + '…' : flat
}

/** Short form of a key for logs: the first 8 hex characters. */
export function short(key: string): string {
  return key.slice(0, 8) + '…'
}

// Start-up options every shell shares (Electron, browser shell, bot): which data folder,
// and which DHT bootstrap nodes. Pure: the caller passes argv and env, so the same rules
// hold everywhere and a test can feed it anything. Flags win over environment variables.

export interface BootstrapNode {
  host: string
  port: number
}

export interface StartOptions {
  /** `--storage DIR` or LINKUP_STORAGE, as given (the caller resolves it); null when unset. */
  storage: string | null
  /** `--bootstrap LIST` or LINKUP_BOOTSTRAP; null means the public DHT. */
  bootstrap: BootstrapNode[] | null
  /**
   * Address the DHT binds and announces: LINKUP_HOST, else '127.0.0.1' when every
   * bootstrap node is on loopback (a private testnet), else null (the DHT decides).
   */
  host: string | null
  /** Every argument this parser did not consume, in order, for the shell's own flags. */
  rest: string[]
}

export class OptionsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OptionsError'
  }
}

const FLAGS = ['storage', 'bootstrap'] as const
type Flag = (typeof FLAGS)[number]

const HOSTNAME =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
const MAX_HOST_CHARS = 253

/**
 * Reads `--storage DIR`, `--storage=DIR`, `--bootstrap LIST`, `--bootstrap=LIST` from argv
 * and LINKUP_STORAGE / LINKUP_BOOTSTRAP from env. Arguments after `--` are never read as
 * flags. Throws OptionsError with a message fit to show the user.
 */
export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): StartOptions {
  const given: Partial<Record<Flag, string>> = {}
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      rest.push(...argv.slice(i))
      break
    }
    const flag = FLAGS.find((f) => arg === `--${f}` || arg.startsWith(`--${f}=`))
    if (!flag) {
      rest.push(arg)
      continue
    }
    if (given[flag] !== undefined) throw new OptionsError(`--${flag} was given more than once.`)
    let value: string | undefined
    if (arg.includes('=')) value = arg.slice(arg.indexOf('=') + 1)
    else value = argv[++i]
    if (value === undefined || value === '' || (value.startsWith('--') && !arg.includes('='))) {
      throw new OptionsError(`--${flag} needs a value, e.g. ${example(flag)}.`)
    }
    given[flag] = value
  }

  const storage = given.storage ?? nonEmpty(env.LINKUP_STORAGE)
  const bootstrapText = given.bootstrap ?? nonEmpty(env.LINKUP_BOOTSTRAP)
  const source = given.bootstrap !== undefined ? '--bootstrap' : 'LINKUP_BOOTSTRAP'
  const bootstrap = bootstrapText === undefined ? null : parseBootstrap(bootstrapText, source)
  const hostText = nonEmpty(env.LINKUP_HOST)?.trim()
  if (hostText !== undefined && !isHost(hostText)) {
    throw new OptionsError(`LINKUP_HOST ("${hostText}") is not an IPv4 address or host name.`)
  }
  const loopback = bootstrap !== null && bootstrap.every((node) => isLoopback(node.host))
  return {
    storage: storage ?? null,
    bootstrap,
    host: hostText ?? (loopback ? '127.0.0.1' : null),
    rest,
  }
}

/** 127.0.0.0/8 or localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * Parses a comma-separated `host:port` list ("127.0.0.1:49737, localhost:49738").
 * Hosts are IPv4 addresses or DNS names: the HyperDHT speaks IPv4 only.
 */
export function parseBootstrap(text: string, source = 'LINKUP_BOOTSTRAP'): BootstrapNode[] {
  const items = text.split(',').map((s) => s.trim())
  if (items.every((s) => s === '')) throw new OptionsError(`${source} is empty.`)
  return items.map((item, index) => {
    const where = `${source} entry ${index + 1} ("${item}")`
    if (item === '')
      throw new OptionsError(`${source} has an empty entry at position ${index + 1}.`)
    if (item.startsWith('[') || item.split(':').length > 2) {
      throw new OptionsError(
        `${where}: IPv6 addresses are not supported; use an IPv4 address or a host name.`,
      )
    }
    const colon = item.lastIndexOf(':')
    if (colon < 0)
      throw new OptionsError(`${where} has no port; expected host:port, e.g. 127.0.0.1:49737.`)
    const host = item.slice(0, colon)
    const portText = item.slice(colon + 1)
    if (!isHost(host)) {
      throw new OptionsError(
        `${where} has an invalid host; expected host:port, e.g. 127.0.0.1:49737.`,
      )
    }
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN
    if (!(port >= 1 && port <= 65535)) {
      throw new OptionsError(`${where} has an invalid port; it must be a number from 1 to 65535.`)
    }
    return { host, port }
  })
}

function isHost(host: string): boolean {
  if (host === '' || host.length > MAX_HOST_CHARS || !HOSTNAME.test(host)) return false
  // Dotted digits must be a real IPv4 address, not a name that looks like one.
  if (/^[\d.]+$/.test(host))
    return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host.split('.').every((n) => Number(n) <= 255)
  return true
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

function example(flag: Flag): string {
  return flag === 'storage' ? '--storage ~/linkup-alice' : '--bootstrap 127.0.0.1:49737'
}

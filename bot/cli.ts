import { startBot } from './bot'
import { createClient, type LinkupClient } from './client'
import { parseBotConfig, USAGE } from './config'
import { HISTORY_PAGE } from '../src/shared/limits'
import { clean, createLogger, short } from './log'

// `LINKUP_ROOM_ID=<key> npm run bot`. Exit codes: 0 after a clean shutdown, 2 for a bad
// configuration (checked before any storage is opened), 1 for any other failure.

const SHUTDOWN_TIMEOUT_MS = 10_000

async function main(): Promise<void> {
  const parsed = parseBotConfig(process.env, process.argv.slice(2))
  if ('help' in parsed) {
    process.stdout.write(USAGE + '\n')
    return
  }
  if ('error' in parsed) {
    process.stderr.write(`linkup-bot: ${parsed.error}\n\n${USAGE}\n`)
    process.exitCode = 2
    return
  }
  const config = parsed.config
  const log = createLogger(config.logLevel)

  let opening: Promise<LinkupClient> | null = null
  let bot: { stop(): void } | null = null
  let stopping = false
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return
    stopping = true
    log.info(`${reason}: leaving the swarm and closing storage`)
    setTimeout(() => {
      log.error(`shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting anyway`)
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    try {
      bot?.stop()
      const client = await opening?.catch(() => null)
      await client?.close()
      log.info('stopped')
    } catch (err: any) {
      log.error(`shutdown failed: ${err?.message ?? err}`)
      code = 1
    }
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown('SIGINT', 0))
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0))
  process.on('uncaughtException', (err) => {
    log.error(`uncaught: ${err?.stack ?? err}`)
    void shutdown('error', 1)
  })
  process.on('unhandledRejection', (err: any) => {
    log.error(`unhandled: ${err?.stack ?? err}`)
    void shutdown('error', 1)
  })

  log.info(
    `starting as "${config.name}" in ${config.storage} on ${config.bootstrap ? `a private DHT (${config.bootstrap.length} bootstrap node(s))` : 'the public DHT'}`,
  )
  opening = createClient({
    storage: config.storage,
    name: config.name,
    bootstrap: config.bootstrap,
    host: config.host,
    listenToBots: config.listenToBots,
  })
  const client = await opening
  log.info(`identity ${client.profile.key}`)
  for (const damaged of client.node.damaged) log.error(damaged.message)
  try {
    for (const key of config.rooms) {
      const resumed = client.rooms().some((r) => r.key === key)
      const room = await client.join(key)
      const kept = (await client.history(room.key)).length
      const count = kept >= HISTORY_PAGE ? `${kept}+` : String(kept)
      log.info(
        `${resumed ? 'resumed' : 'joined'} room ${short(room.key)} "${clean(room.name, 64)}" (${count} entries kept locally)`,
      )
    }
  } catch (err: any) {
    log.error(`could not join: ${err?.message ?? err}`)
    return shutdown('error', 1)
  }
  for (const room of client.rooms()) {
    if (!config.rooms.includes(room.key)) {
      log.warn(
        `also in room ${short(room.key)} "${clean(room.name, 64)}" from an earlier run (not in LINKUP_ROOM_ID): still serving it`,
      )
    }
  }
  if (stopping) return
  bot = startBot(client, { log, seed: config.seed })
  log.info(
    `ready in ${client.rooms().length} room(s)${config.seed ? ', seeding' : ', not seeding'}`,
  )
}

main().catch((err) => {
  process.stderr.write(`linkup-bot: ${err?.message ?? err}\n`)
  process.exit(1)
})

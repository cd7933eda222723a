import { fingerprint } from '../src/shared/roomkey'
import type { BotMessage, LinkupClient } from './client'
import { dispatch, parseCommand } from './commands/index'
import { clean, short, type Logger } from './log'
import { RateLimiter, type BucketOptions } from './ratelimit'
import { startSeeder, type SeederOptions } from './seeder'

// The LinkUp bot: answers `!commands` in every room its client is in, and (with seed)
// keeps the rooms' history and files replicated. It answers nothing else: plain text and
// its own messages get silence, and so does everything other bots write (the client
// skips members whose profile says bot, unless it was made with listenToBots), so two
// bots in one room cannot feed each other.

export interface BotOptions {
  log: Logger
  seed: boolean
  /** Retry and concurrency of file seeding. */
  seeder?: SeederOptions
  /** Answers per member: a burst of 3, then 2 a second. */
  perMember?: BucketOptions
  /** Answers per room, whoever asks: keeps many members from making the bot flood. */
  perRoom?: BucketOptions
}

export interface Bot {
  stop(): void
}

const PER_MEMBER: BucketOptions = { capacity: 3, refillPerSecond: 2 }
const PER_ROOM: BucketOptions = { capacity: 20, refillPerSecond: 10 }
/** A member who is being limited is logged at most this often. */
const LIMIT_LOG_EVERY_MS = 10_000

export function startBot(client: LinkupClient, opts: BotOptions): Bot {
  const { log } = opts
  const startedAt = Date.now()
  const perMember = new RateLimiter(opts.perMember ?? PER_MEMBER)
  const perRoom = new RateLimiter(opts.perRoom ?? PER_ROOM)
  const limitLogged = new Map<string, number>()

  const who = (name: string, key: string) => `${clean(name, 40)} (${fingerprint(key)})`

  async function onMessage(msg: BotMessage): Promise<void> {
    const command = parseCommand(msg.text)
    if (!command) return
    const receivedAt = Date.now()
    if (!perMember.take(`${msg.room}/${msg.author}`) || !perRoom.take(msg.room)) {
      const last = limitLogged.get(msg.author) ?? 0
      if (receivedAt - last > LIMIT_LOG_EVERY_MS) {
        if (limitLogged.size > 1000) limitLogged.clear()
        limitLogged.set(msg.author, receivedAt)
        log.warn(
          `room ${short(msg.room)}: too many commands from ${who(msg.authorName, msg.author)}, ignoring some`,
        )
      }
      return
    }
    const result = await dispatch(msg.text, {
      room: msg.room,
      author: msg.author,
      authorName: msg.authorName,
      sentAt: msg.time,
      receivedAt,
      startedAt,
      now: Date.now,
      peers: () => client.peers(msg.room),
      ping: () => client.ping(msg.room),
    }).catch((err) => {
      // A handler bug answers with an apology, not silence; the details go to the log.
      log.error(`room ${short(msg.room)}: !${clean(command.name, 40)} failed: ${err?.stack ?? err}`)
      return { command: command.name, reply: 'Sorry, that command failed. Try again later.' }
    })
    if (!result) return
    await msg.reply(result.reply)
    log.info(
      `room ${short(msg.room)}: !${clean(result.command, 40)} from ${who(msg.authorName, msg.author)} answered`,
    )
  }

  const handlers = {
    message: (msg: BotMessage) => {
      onMessage(msg).catch((err) =>
        log.error(`room ${short(msg.room)}: command failed: ${err?.message ?? err}`),
      )
    },
    peerConnected: (p: { name: string; key: string; room: string }) =>
      log.info(`room ${short(p.room)}: peer ${who(p.name, p.key)} connected`),
    peerLeft: (p: { name: string; key: string; room: string }) =>
      log.info(`room ${short(p.room)}: peer ${who(p.name, p.key)} left`),
  }
  client.on('message', handlers.message)
  client.on('peer:connected', handlers.peerConnected)
  client.on('peer:left', handlers.peerLeft)
  const seeder = opts.seed ? startSeeder(client, log, opts.seeder) : null

  return {
    stop() {
      client.off('message', handlers.message)
      client.off('peer:connected', handlers.peerConnected)
      client.off('peer:left', handlers.peerLeft)
      seeder?.stop()
    },
  }
}

import { MAX_TEXT_BYTES } from '../../src/shared/limits'
import { echo } from './echo'
import { help } from './help'
import { peers } from './peers'
import { ping } from './ping'
import { roll } from './roll'
import type { Command, CommandContext } from './types'
import { uptime } from './uptime'

export type { Command, CommandContext } from './types'

/** The one place commands are registered; !help lists them in this order. */
export const commands: readonly Command[] = [help, ping, uptime, peers, roll, echo]

const byName = new Map(commands.map((c) => [c.name, c]))

/**
 * `!name args`: a `!` then a letter. Anything else (plain text, "!!!", "! hi") is not a
 * command, and the bot stays silent on it: that is what keeps bots from talking to
 * each other.
 */
export function parseCommand(text: string): { name: string; args: string } | null {
  const match = /^!([a-z][a-z0-9_-]*)(?:\s+([\s\S]*))?$/iu.exec(text.trimStart())
  if (!match) return null
  return { name: match[1].toLowerCase(), args: (match[2] ?? '').trim() }
}

/** The reply to a command, or null when the text is not a command. */
export async function dispatch(
  text: string,
  ctx: Omit<CommandContext, 'commands'>,
): Promise<{ command: string; reply: string } | null> {
  const parsed = parseCommand(text)
  if (!parsed) return null
  const command = byName.get(parsed.name)
  if (!command) {
    return { command: parsed.name, reply: safeReply('Unknown command. Try `!help` for the list.') }
  }
  const reply = await command.run(parsed.args, { ...ctx, commands })
  return { command: command.name, reply: safeReply(reply) }
}

const REPLY_PREFIX = '↪ '

/**
 * Every reply passes here: it must never itself be a command (or two bots could
 * answer each other forever), and must fit in one text entry.
 */
export function safeReply(text: string): string {
  let out = parseCommand(text) ? REPLY_PREFIX + text : text
  const encoder = new TextEncoder()
  if (encoder.encode(out).length > MAX_TEXT_BYTES) {
    // Cut by code points until it fits, leaving room for the ellipsis.
    const chars = [...out]
    let lo = 0
    let hi = chars.length
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2)
      if (encoder.encode(chars.slice(0, mid).join('')).length <= MAX_TEXT_BYTES - 3) lo = mid
      else hi = mid - 1
    }
    out = chars.slice(0, lo).join('') + '…'
  }
  return out
}

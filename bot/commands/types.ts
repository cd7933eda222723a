import type { PeerInfo } from '../../src/shared/types'

// What a command handler gets: the message that invoked it and read-only views of the
// bot. Handlers return the reply text; they never touch the engine or the shell.

export interface CommandContext {
  room: string
  author: string
  authorName: string
  /** The author's clock when the command was written, ms since epoch. */
  sentAt: number
  /** Our clock when the command arrived. */
  receivedAt: number
  /** When the bot started, ms since epoch. */
  startedAt: number
  now(): number
  /** Peers with an open channel in this room. */
  peers(): PeerInfo[]
  /** Round trips to this room's peers. */
  ping(): Promise<Array<{ peer: PeerInfo; ms: number }>>
  /** Every registered command, for !help. */
  commands: readonly Command[]
}

export interface Command {
  /** Lowercase name without the `!`. */
  name: string
  /** How to call it, for !help: `!roll NdM`. */
  usage: string
  summary: string
  run(args: string, ctx: CommandContext): string | Promise<string>
}

import { fingerprint } from '../shared/roomkey'
import type { CommandResult } from '../shared/types'
import type { CommandTarget } from './commands'

// ~mute, ~unmute, ~block, ~unblock: local moderation (src/core/rooms/moderation.ts), in the
// one command language of commands.ts.

type Kind = 'mute' | 'block'

function spec(kind: Kind, on: boolean, help: string) {
  const name = `${on ? '' : 'un'}${kind}`
  return {
    usage: `~${name} <name|fingerprint>`,
    help,
    args: [1, 1] as [number, number],
    needsRoom: true,
    async run(t: CommandTarget, [who]: string[], room: string | undefined): Promise<CommandResult> {
      const m = await t.moderate(room!, kind, who, on)
      const what = on
        ? kind === 'mute'
          ? 'muted'
          : 'blocked'
        : kind === 'mute'
          ? 'unmuted'
          : 'unblocked'
      return {
        ok: true,
        message: `${m.name} (${fingerprint(m.key)}) is ${what} in this room, on this device.`,
      }
    },
  }
}

export const MODERATION_COMMANDS = {
  mute: spec('mute', true, 'Hide a member’s messages here and fetch nothing of theirs by itself.'),
  unmute: spec('mute', false, 'Show a muted member’s messages again.'),
  block: spec('block', true, 'Mute a member and stop syncing with them in this room.'),
  unblock: spec('block', false, 'Undo ~block.'),
}

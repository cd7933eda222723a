import { fingerprint } from '../../src/shared/roomkey'
import { escapeMarkdown } from './format'
import type { Command } from './types'

const MAX_LISTED = 50

export const peers: Command = {
  name: 'peers',
  usage: '!peers',
  summary: 'who is connected to me in this room',
  run(_args, ctx) {
    const list = ctx.peers()
    if (list.length === 0) return 'No peers connected to me in this room.'
    const names = list
      .slice(0, MAX_LISTED)
      .map((p) => `${escapeMarkdown(p.name)} (${fingerprint(p.key)})`)
    const more = list.length > MAX_LISTED ? `, and ${list.length - MAX_LISTED} more` : ''
    return `${list.length} ${list.length === 1 ? 'peer' : 'peers'} connected: ${names.join(', ')}${more}`
  },
}

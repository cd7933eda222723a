import type { Command } from './types'

export const help: Command = {
  name: 'help',
  usage: '!help',
  summary: 'this list',
  run: (_args, ctx) =>
    'Commands:\n\n' + ctx.commands.map((c) => `- \`${c.usage}\` — ${c.summary}`).join('\n'),
}

import { formatDuration } from './format'
import type { Command } from './types'

export const uptime: Command = {
  name: 'uptime',
  usage: '!uptime',
  summary: 'how long I have been running',
  run: (_args, ctx) =>
    `up ${formatDuration(ctx.now() - ctx.startedAt)} (since ${new Date(ctx.startedAt).toISOString()})`,
}

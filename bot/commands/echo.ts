import type { Command } from './types'

// The reply always starts with "echo:", so `!echo !ping` cannot make one bot command
// another (the dispatcher guards every reply the same way, this keeps echo obvious).
export const echo: Command = {
  name: 'echo',
  usage: '!echo <text>',
  summary: 'repeat the text',
  run: (args) => (args.trim() ? `echo: ${args.trim()}` : 'Usage: `!echo <text>`'),
}

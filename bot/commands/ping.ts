import { escapeMarkdown, formatMs } from './format'
import type { Command } from './types'

// The round trip is measured by the engine's ping to the author, when the author is
// connected to the bot directly. The message delay uses the author's clock and ours,
// so it is shown only when it is plausible (clocks of two machines can disagree).
const PLAUSIBLE_DELAY_MS = 60_000

export const ping: Command = {
  name: 'ping',
  usage: '!ping',
  summary: 'round trip from me to you',
  async run(_args, ctx) {
    let results: Awaited<ReturnType<typeof ctx.ping>>
    try {
      results = await ctx.ping()
    } catch {
      return 'pong: my peers did not answer a ping in time'
    }
    const delay = ctx.receivedAt - ctx.sentAt
    const delayText =
      delay >= 0 && delay < PLAUSIBLE_DELAY_MS
        ? ` · your message took ${formatMs(delay)} to arrive`
        : ''
    const yours = results.find((r) => r.peer.key === ctx.author)
    if (yours)
      return `pong: round trip to ${escapeMarkdown(ctx.authorName)} ${formatMs(yours.ms)}${delayText}`
    if (results.length === 0) return `pong: no peer answered a ping right now${delayText}`
    const others = results.map((r) => `${escapeMarkdown(r.peer.name)} ${formatMs(r.ms)}`).join(', ')
    return `pong: you are not connected to me directly; round trips: ${others}${delayText}`
  },
}

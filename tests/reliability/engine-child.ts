import readline from 'node:readline'
import { LinkupNode } from '../../src/core/node'

// One real LinkUp engine in its own process, so a test can SIGKILL it. It takes JSON
// commands on stdin and reports on stdout, one JSON object a line. A send is reported
// only after send() resolved, so the parent's list of resolved sends can only be short
// of the truth, never ahead of it.

interface Args {
  storage: string
  bootstrap: Array<{ host: string; port: number }>
  room: string
  name: string
}

const args = JSON.parse(process.argv[2]) as Args
const out = (msg: unknown) => process.stdout.write(JSON.stringify(msg) + '\n')

const node = new LinkupNode({
  storage: args.storage,
  bootstrap: args.bootstrap,
  host: '127.0.0.1',
  defaultName: args.name,
})
let sending: NodeJS.Timeout | null = null
let sent = 0

async function sendLoop(prefix: string, intervalMs: number): Promise<void> {
  const text = `${prefix}-${sent++}`
  try {
    const entry = await node.send(args.room, text)
    out({ ev: 'sent', text, id: entry.id })
  } catch (err: any) {
    out({ ev: 'send-failed', text, error: err?.message ?? String(err) })
  }
  if (sending) sending = setTimeout(() => void sendLoop(prefix, intervalMs), intervalMs)
}

async function timeline(): Promise<Array<{ id: string; text: string }>> {
  const all: Array<{ id: string; text: string }> = []
  let before: string | undefined
  for (;;) {
    const page = await node.history(args.room, { before, limit: 1000 })
    all.unshift(...page.map((e) => ({ id: e.id, text: e.text })))
    if (page.length < 1000) return all
    before = page[0].order
  }
}

async function onCommand(cmd: any): Promise<void> {
  if (cmd.op === 'send-loop') {
    if (!sending) {
      sending = setTimeout(() => void sendLoop(cmd.prefix, cmd.intervalMs), 0)
    }
  } else if (cmd.op === 'stop') {
    if (sending) clearTimeout(sending)
    sending = null
    out({ ev: 'stopped' })
  } else if (cmd.op === 'drop') {
    for (const conn of node.swarm.connections) conn.destroy()
    out({ ev: 'dropped' })
  } else if (cmd.op === 'timeline') {
    out({ ev: 'timeline', entries: await timeline(), peers: node.peers(args.room).length })
  } else if (cmd.op === 'close') {
    if (sending) clearTimeout(sending)
    sending = null
    await node.close()
    out({ ev: 'closed' })
    process.exit(0)
  }
}

try {
  await node.ready()
  if (!node.rooms().some((r) => r.key === args.room)) await node.joinRoom(args.room, 'chaos')
  out({ ev: 'ready', member: node.memberKey(args.room) })
} catch (err: any) {
  out({ ev: 'open-failed', error: err?.message ?? String(err) })
  process.exit(3)
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  onCommand(JSON.parse(line)).catch((err) =>
    out({ ev: 'error', error: String(err?.message ?? err) }),
  )
})

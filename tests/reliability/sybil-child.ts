import { randomBytes } from 'node:crypto'
import c from 'compact-encoding'
import DHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import Protomux from 'protomux'
import { HELLO_BYTES, HELLO_PROTOCOL } from '../../src/core/net/hello'

// A horde of swarms that know a room's topic (it is public on the DHT) but not its key.
// Each dials whoever announced the topic and says a hello: half of them one of the right
// size made of random tags (as a peer in other rooms would), the rest one of a wrong size. Runs in its own process so the
// honest node's memory is measured apart from the horde's.

const { bootstrap, topic, count } = JSON.parse(process.argv[2]) as {
  bootstrap: Array<{ host: string; port: number }>
  topic: string
  count: number
}
const out = (msg: unknown) => process.stdout.write(JSON.stringify(msg) + '\n')
const swarms: any[] = []
let opened = 0
let open = 0

for (let i = 0; i < count; i++) {
  const swarm = new Hyperswarm({ dht: new DHT({ bootstrap, host: '127.0.0.1' }) })
  swarm.on('connection', (conn: any) => {
    opened++
    open++
    conn.on('error', () => {})
    conn.once('close', () => open--)
    const channel = Protomux.from(conn).createChannel({
      protocol: HELLO_PROTOCOL,
      handshake: c.raw,
    })
    channel?.open(randomBytes(i % 2 === 0 ? HELLO_BYTES : 7))
  })
  swarm.join(Buffer.from(topic, 'hex'), { server: false, client: true })
  swarms.push(swarm)
}
out({ ev: 'ready' })
setInterval(() => out({ ev: 'stats', opened, open }), 500).unref()
process.stdin.on('data', async () => {
  await Promise.all(swarms.map((s) => s.destroy().catch(() => {})))
  out({ ev: 'closed', opened })
  process.exit(0)
})

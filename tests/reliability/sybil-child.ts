import c from 'compact-encoding'
import DHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import Protomux from 'protomux'

// A horde of swarms that know a room's topic (it is public on the DHT) but not its key.
// Each dials whoever announced the topic; half of them also open a room channel with a
// made-up proof, the rest just sit on the connection. Runs in its own process so the
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
    if (i % 2 === 0) {
      const channel = Protomux.from(conn).createChannel({
        protocol: 'linkup/room/1',
        id: Buffer.from(topic, 'hex'),
        handshake: c.raw,
      })
      channel?.open(
        Buffer.from(
          JSON.stringify({ proof: 'ab'.repeat(32), writer: 'cd'.repeat(32), name: 'sybil' }),
        ),
      )
    }
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

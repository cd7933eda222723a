// A private HyperDHT on 127.0.0.1 for running several LinkUp instances and bots on one
// machine with no internet: three DHT nodes, the first on a fixed port to bootstrap from.
import createTestnet from 'hyperdht/testnet.js'

const portArg = process.argv.indexOf('--port')
const port = portArg > -1 ? Number(process.argv[portArg + 1]) : 49737
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('Usage: npm run dht -- [--port 1-65535]')
  process.exit(2)
}

const testnet = await createTestnet(3, { host: '127.0.0.1', port })
const list = testnet.bootstrap.map((b) => `${b.host}:${b.port}`).join(',')
console.log(
  `Private DHT running. In each terminal that runs LinkUp or the bot:\n\n  export LINKUP_BOOTSTRAP=${list}\n\nCtrl+C stops it.`,
)

const stop = async () => {
  await testnet.destroy()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

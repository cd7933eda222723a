import os from 'node:os'
import path from 'node:path'
import { LinkupNode } from '../core/node'
import { OptionsError, parseOptions } from '../shared/options'
import { startWebShell } from './server'

// `npm run start:web`: one engine and the browser shell in front of it.
//   --storage DIR / LINKUP_STORAGE      data folder (default ~/.linkup/web)
//   --bootstrap LIST / LINKUP_BOOTSTRAP private DHT host:port list (default: public DHT)
//   --port N                            HTTP port on 127.0.0.1 (default: random)

const USAGE = `Usage: npm run start:web -- [--storage DIR] [--bootstrap host:port,...] [--port N]`

function parsePort(rest: string[]): number {
  let port = 0
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE)
      process.exit(0)
    }
    const value = arg === '--port' ? rest[++i] : arg.startsWith('--port=') ? arg.slice(7) : null
    if (value === null) throw new OptionsError(`Unknown argument ${arg}.\n${USAGE}`)
    port = /^\d{1,5}$/u.test(value ?? '') ? Number(value) : NaN
    if (!(port >= 0 && port <= 65535))
      throw new OptionsError('--port needs a number from 0 to 65535.')
  }
  return port
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env)
  const port = parsePort(options.rest)
  const storage = path.resolve(options.storage ?? path.join(os.homedir(), '.linkup', 'web'))
  const node = new LinkupNode({
    storage,
    bootstrap: options.bootstrap ?? undefined,
    host: options.host ?? undefined,
  })
  await node.ready()
  const shell = await startWebShell({ node, port })
  console.log(`LinkUp engine ready (data folder ${storage}).`)
  for (const damaged of node.damaged) console.error(damaged.message)
  console.log(`Open ${shell.url}`)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    console.log('Shutting down…')
    await shell.close()
    await node.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})

import path from 'node:path'
import Corestore from 'corestore'
import type { Bootstrap } from './net'

// The timed side of the start-up benchmark, run in a fresh process per open. It must
// not import the engine statically: loading the engine's modules is timed apart.

export const PAGE = 50

async function openEngine(storage: string, bootstrap: Bootstrap) {
  const t0 = performance.now()
  const { LinkupNode } = await import('../../src/core/node')
  const t1 = performance.now()
  const node = new LinkupNode({ storage, bootstrap, host: '127.0.0.1' })
  await node.ready()
  const readyAt = performance.now()
  const room = node.rooms()[0].key
  const page = await node.history(room, { limit: PAGE })
  const t2 = performance.now()
  await node.close()
  if (page.length !== PAGE) throw new Error(`history returned ${page.length} entries`)
  return { importMs: t1 - t0, ms: t2 - t1, readyMs: readyAt - t1 }
}

async function openPlain(storage: string, keys: string[]) {
  const t0 = performance.now()
  const store = new Corestore(path.join(storage, 'cores'))
  await store.ready()
  for (const key of keys) {
    const core = store.get({ key: Buffer.from(key, 'hex') })
    await core.ready()
    const gets: Promise<unknown>[] = []
    for (let seq = Math.max(0, core.length - PAGE); seq < core.length; seq++)
      gets.push(core.get(seq))
    await Promise.all(gets)
  }
  const ms = performance.now() - t0
  await store.close()
  return { ms }
}

export const worker = { openEngine, openPlain }

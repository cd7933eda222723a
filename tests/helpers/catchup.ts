import type { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { Cluster, connected } from './nodes'
import { until } from './net'

// Late readers catching up on a room that three writers filled one message per block
// (each send awaited, as people type). Shared by the catch-up test (a short slice) and
// `npm run stress:catchup` (20 runs of 10,000): every run must see every entry emitted
// exactly once, all of them in history(), and the room report itself complete.

export interface CatchupRun {
  run: number
  ms: number
  emitted: number
}

export async function fillRoom(
  cluster: Cluster,
  total: number,
  writers = 3,
): Promise<{ room: string; nodes: LinkupNode[] }> {
  const nodes: LinkupNode[] = []
  for (let w = 0; w < writers; w++) nodes.push(await cluster.node(`W${w}`))
  const { key: room } = await nodes[0].createRoom('catch-up')
  for (const n of nodes.slice(1)) await n.joinRoom(room)
  for (const n of nodes.slice(1)) await connected(nodes[0], n, room)
  await Promise.all(
    nodes.map(async (n, w) => {
      for (let i = w; i < total; i += writers) await n.send(room, `message ${i}`)
    }),
  )
  return { room, nodes }
}

/** One fresh member joins and must end with all `total` messages, each emitted once. */
export async function lateReader(
  cluster: Cluster,
  room: string,
  total: number,
  run: number,
  timeoutMs: number,
): Promise<CatchupRun> {
  const reader = await cluster.node(`R${run}`)
  const seen = new Map<string, number>()
  reader.on('entry:added', (item: TimelineEntry) => {
    if (item.room === room && item.kind === 'text') seen.set(item.id, (seen.get(item.id) ?? 0) + 1)
  })
  const started = performance.now()
  try {
    await reader.joinRoom(room)
    await until(
      `late reader ${run} to have ${total} entries`,
      async () => seen.size >= total && (await reader.syncProgress(room)).state === 'complete',
      timeoutMs,
    ).catch(async (err) => {
      const sync = await reader.syncProgress(room)
      throw new Error(
        `${err.message}: emitted ${seen.size}; sync ${JSON.stringify({ ...sync, writers: sync.writers.length })}`,
      )
    })
    const ms = performance.now() - started
    const twice = [...seen.values()].filter((n) => n > 1).length
    if (twice) throw new Error(`run ${run}: ${twice} entries were emitted more than once`)
    if (seen.size !== total) throw new Error(`run ${run}: ${seen.size} entries, expected ${total}`)
    const history = await reader.history(room, { limit: 1000 })
    const texts = new Set((await allHistory(reader, room)).map((e) => e.text))
    for (let i = 0; i < total; i++)
      if (!texts.has(`message ${i}`)) throw new Error(`run ${run}: history lacks message ${i}`)
    if (!history.length) throw new Error(`run ${run}: empty history`)
    return { run, ms, emitted: seen.size }
  } finally {
    await reader.leaveRoom(room).catch(() => {})
    await reader.close()
  }
}

/** Every entry of a room, paging down from the newest. */
export async function allHistory(node: LinkupNode, room: string): Promise<TimelineEntry[]> {
  const all: TimelineEntry[] = []
  let before: string | undefined
  for (;;) {
    const page = await node.history(room, { before, limit: 1000 })
    if (!page.length) return all
    all.unshift(...page)
    before = page[0].order
  }
}

import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { once as onceEvent } from 'node:events'
import { pipeline } from 'node:stream/promises'
import Corestore from 'corestore'
import Hyperdrive from 'hyperdrive'
import type { LinkupNode } from '../../src/core/node'
import type { TimelineEntry } from '../../src/shared/types'
import { makeNode } from './engines'
import { peakRssMiB, resetPeakRss, settle } from './memory'
import { bareSwarm, once, randomTopic, type Bootstrap } from './net'

// The two sides of one file transfer for bench/files.ts, run in worker processes (one
// per side, or one for both). The sender serves the file; the receiver asks for it and
// is timed from asking to the last byte written to its disk.

const WRITE_BYTES = 64 * 1024
const ENTRY_TIMEOUT_MS = 30_000

export type Method = 'bare' | 'hyperdrive' | 'base64' | 'linkup'

// Each role keeps its own swarm and store, so one process can also play both sides.
type Side = { swarm?: any; store?: any; drive?: any; node?: LinkupNode }
const sides: Record<'sender' | 'receiver', Side> = { sender: {}, receiver: {} }

async function serve(method: Method, bootstrap: Bootstrap, file: string): Promise<string> {
  const side = sides.sender
  if (method === 'linkup') {
    // Importing the file into the sender's drive is set-up, like the drive baseline's.
    const node = (side.node = await makeNode(bootstrap))
    const { key: room } = await node.createRoom('files')
    const entry = await node.sendFile(room, file)
    await node.swarm.flush()
    return JSON.stringify({ room, id: entry.id })
  }
  const swarm = (side.swarm = bareSwarm(bootstrap, { open: true }))
  if (method === 'hyperdrive') {
    const store = (side.store = new Corestore(
      path.join(path.dirname(file), `sender-${process.pid}`),
    ))
    const drive = (side.drive = new Hyperdrive(store))
    await drive.ready()
    await pipeline(fs.createReadStream(file), drive.createWriteStream('/file'))
    swarm.on('connection', (conn: any) => store.replicate(conn))
    swarm.join(drive.discoveryKey, { server: true, client: false })
    await swarm.flush()
    return drive.key.toString('hex')
  }
  const topic = randomTopic()
  swarm.on('connection', (conn: any) => {
    conn.on('error', () => {})
    conn.once(
      'data',
      () => void (method === 'bare' ? streamFile(conn, file) : jsonFile(conn, file)),
    )
  })
  swarm.join(topic, { server: true, client: false })
  await swarm.flush()
  return topic.toString('hex')
}

async function streamFile(conn: any, file: string): Promise<void> {
  for await (const chunk of fs.createReadStream(file, { highWaterMark: WRITE_BYTES })) {
    if (!conn.write(chunk)) await onceEvent(conn, 'drain')
  }
}

async function jsonFile(conn: any, file: string): Promise<void> {
  const bytes = await fsp.readFile(file)
  const message = {
    type: 'file',
    name: path.basename(file),
    mime: 'application/octet-stream',
    data: bytes.toString('base64'),
  }
  conn.write(Buffer.from(JSON.stringify(message)))
}

async function open(method: Method, bootstrap: Bootstrap): Promise<void> {
  const side = sides.receiver
  if (method === 'linkup') {
    side.node = await makeNode(bootstrap)
    return
  }
  side.swarm = bareSwarm(bootstrap)
  await side.swarm.listen()
}

/** Asks for the file and times it to the last byte on disk. */
async function fetch(method: Method, key: string, out: string, bytes: number): Promise<Fetched> {
  const side = sides.receiver
  if (method === 'linkup') return linkupFetch(side.node!, key, out)
  const swarm = side.swarm
  const topic = Buffer.from(key, 'hex')
  if (method === 'hyperdrive') {
    const store = (side.store = new Corestore(
      path.join(path.dirname(out), `receiver-${process.pid}`),
    ))
    const drive = (side.drive = new Hyperdrive(store, topic))
    await drive.ready()
    const connected = onceEvent(swarm, 'connection')
    swarm.on('connection', (conn: any) => store.replicate(conn))
    swarm.join(drive.discoveryKey, { server: false, client: true })
    await connected
    const start = performance.now()
    await drive.update({ wait: true })
    await pipeline(drive.createReadStream('/file'), fs.createWriteStream(out))
    return { ms: performance.now() - start }
  }
  const connected = onceEvent(swarm, 'connection')
  swarm.join(topic, { server: false, client: true })
  const [conn] = await connected
  conn.on('error', () => {})
  const sink = fs.createWriteStream(out)
  const start = performance.now()
  if (method === 'bare') {
    let received = 0
    const done = new Promise<void>((resolve) =>
      conn.on('data', (chunk: Buffer) => {
        sink.write(chunk)
        if ((received += chunk.byteLength) >= bytes) resolve()
      }),
    )
    conn.write(Buffer.from('GET'))
    await done
  } else {
    const [frame] = await new Promise<any[]>((resolve) => {
      conn.once('data', (...args: any[]) => resolve(args))
      conn.write(Buffer.from('GET'))
    })
    const message = JSON.parse(frame.toString())
    sink.write(Buffer.from(message.data, 'base64'))
  }
  sink.end()
  await onceEvent(sink, 'finish')
  return { ms: performance.now() - start }
}

export interface Fetched {
  ms: number
}

/** Joins the room, waits for the file entry, then saveFile() to `out`. */
async function linkupFetch(node: LinkupNode, key: string, out: string): Promise<Fetched> {
  const { room, id } = JSON.parse(key) as { room: string; id: string }
  const arrived = once(
    node as any,
    'entry:added',
    ENTRY_TIMEOUT_MS,
    (item: TimelineEntry) => item.id === id,
  )
  await node.joinRoom(room)
  await arrived
  // saveFile() on a file that is not here yet downloads, verifies and writes in one pass:
  // the user's path from a file card to the bytes on disk.
  const start = performance.now()
  await node.saveFile(room, id, out)
  return { ms: performance.now() - start }
}

export const worker = {
  serve,
  open,
  fetch,
  async resetPeak() {
    await settle()
    resetPeakRss()
  },
  peak: () => peakRssMiB(),
  async close() {
    for (const side of Object.values(sides)) {
      await side.node?.close().catch(() => {})
      await side.swarm?.destroy().catch(() => {})
      await side.drive?.close().catch(() => {})
      await side.store?.close().catch(() => {})
    }
  },
}

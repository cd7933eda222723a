import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { once as onceEvent } from 'node:events'
import { fileURLToPath } from 'node:url'
import { pipeline } from 'node:stream/promises'
import Corestore from 'corestore'
import Hyperdrive from 'hyperdrive'
import { LinkupNode } from '../src/core/node'
import type { TimelineEntry } from '../src/shared/types'
import { makeNode } from './lib/engines'
import { size, type BenchContext, type Benchmark } from './lib/context'
import { MiB, mbPerSecond, randomFile, sha256 } from './lib/files'
import { peakRssMiB, resetPeakRss, settle } from './lib/memory'
import {
  bareSwarm,
  once,
  randomTopic,
  removeTempDirs,
  tempDir,
  testnet,
  type Bootstrap,
} from './lib/net'
import { ge, result, type Result } from './lib/result'
import { spawnWorker } from './lib/worker'

// File transfer between two processes, one per side, so each side's peak RSS is its
// own. The receiver's clock runs from asking for the file to the last byte written to
// its disk. Methods:
//   bare       bare secret-stream, 64 KiB writes, receiver writes to disk
//   hyperdrive default hyperdrive replication of the same file (read stream to disk)
//   base64     the seed design: the whole file as base64 inside one JSON message
//   linkup     node.sendFile / node.download (pending until the files engine exists)

const SELF = fileURLToPath(import.meta.url)
const WRITE_BYTES = 64 * 1024
const TRANSFER_TIMEOUT_MS = 120_000
const ENTRY_TIMEOUT_MS = 30_000
const LINKUP_PENDING = 'node.sendFile / node.download do not exist yet (files engine in progress)'

type Method = 'bare' | 'hyperdrive' | 'base64' | 'linkup'

// ---- one side of a transfer, inside a worker process ----

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

interface Fetched {
  ms: number
  /** LinkUp: download() alone; the rest is saveFile() writing the verified bytes out. */
  downloadMs?: number
}

/** Joins the room, waits for the file entry, then download() and saveFile() to `out`. */
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
  const start = performance.now()
  await node.download(room, id)
  const downloaded = performance.now()
  await node.saveFile(room, id, out)
  return { ms: performance.now() - start, downloadMs: downloaded - start }
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

// ---- the coordinator ----

interface Transfer {
  mbps: number
  /** LinkUp: rate of download() alone, before saveFile(). */
  downloadMbps?: number
  /** Peak RSS of each side, MiB; measured only when the sides are separate processes. */
  sender: number | null
  receiver: number | null
}

/** One transfer with fresh processes: two (one per side, like two users) or one for both. */
async function transfer(
  method: Method,
  processes: 1 | 2,
  bootstrap: Bootstrap,
  src: string,
  bytes: number,
): Promise<Transfer> {
  const opts = { callTimeoutMs: TRANSFER_TIMEOUT_MS }
  const sender = spawnWorker(SELF, opts)
  const receiver = processes === 2 ? spawnWorker(SELF, opts) : sender
  try {
    const out = path.join(path.dirname(src), `received-${method}-${processes}-${bytes}`)
    const [key] = await Promise.all([
      sender.call<string>('serve', method, bootstrap, src),
      receiver.call('open', method, bootstrap),
    ])
    await Promise.all([sender.call('resetPeak'), processes === 2 && receiver.call('resetPeak')])
    const { ms, downloadMs } = await receiver.call<Fetched>('fetch', method, key, out, bytes)
    const peaks =
      processes === 2
        ? await Promise.all([sender.call<number>('peak'), receiver.call<number>('peak')])
        : [null, null]
    if ((await sha256(out)) !== (await sha256(src)))
      throw new Error(`${method}: received file differs`)
    await fsp.rm(out)
    return {
      mbps: mbPerSecond(bytes, ms),
      downloadMbps: downloadMs ? mbPerSecond(bytes, downloadMs) : undefined,
      sender: peaks[0],
      receiver: peaks[1],
    }
  } finally {
    await Promise.all([sender.close(), receiver.close()])
  }
}

function linkupFilesExist(): boolean {
  const api = LinkupNode.prototype as any
  return ['sendFile', 'download', 'saveFile'].every((fn) => typeof api[fn] === 'function')
}

async function run(ctx: BenchContext): Promise<Result[]> {
  const bigBytes = size(ctx, 100, 4) * MiB
  const smallBytes = size(ctx, 10, 2) * MiB
  const net = await testnet()
  const dir = await tempDir('linkup-bench-files-')
  try {
    const big = path.join(dir, 'big.bin')
    const small = path.join(dir, 'small.bin')
    await randomFile(big, bigBytes)
    await randomFile(small, smallBytes)
    const mib = bigBytes / MiB
    const measure = async (method: Method, processes: 1 | 2, file: string, bytes: number) => {
      ctx.log(`${method}, ${bytes / MiB} MiB, ${processes} process${processes === 2 ? 'es' : ''}`)
      return transfer(method, processes, net.bootstrap, file, bytes)
    }
    const bare2 = await measure('bare', 2, big, bigBytes)
    const drive2 = await measure('hyperdrive', 2, big, bigBytes)
    const have = linkupFilesExist()
    const none: Transfer = { mbps: NaN, sender: null, receiver: null }
    const linkup2 = have ? await measure('linkup', 2, big, bigBytes) : none
    // A quick run keeps to the two-process transfers; the full run does all of them.
    const full = !ctx.quick
    const bare1 = full ? await measure('bare', 1, big, bigBytes) : none
    const drive1 = full ? await measure('hyperdrive', 1, big, bigBytes) : none
    const linkup1 = have && full ? await measure('linkup', 1, big, bigBytes) : none
    const json2 = full ? await measure('base64', 2, small, smallBytes) : none
    const linkupSmall = have && full ? await measure('linkup', 2, small, smallBytes) : none

    const peaks = (t: Transfer) =>
      `sender ${t.sender?.toFixed(0)} / receiver ${t.receiver?.toFixed(0)} MiB`
    const memoryNote = `peak RSS per side (fresh process each): bare ${peaks(bare2)}; hyperdrive ${peaks(drive2)}${full ? `; base64 ${peaks(json2)}` : ''}`
    const row = (
      name: string,
      value: number | null,
      unit: string,
      baseline: string,
      base: number | null,
      target?: number,
      note?: string,
    ): Result => {
      const r = result({
        name,
        value,
        unit,
        baseline,
        baseline_value: base,
        target: target ? ge(target) : undefined,
        note,
      })
      return have
        ? r
        : { ...r, pass: null, note: `pending: ${LINKUP_PENDING}${note ? `. ${note}` : ''}` }
    }
    const rows = [
      row(
        `file ${mib} MiB, 2 processes`,
        linkup2.mbps,
        'MB/s',
        'bare secret-stream, 64 KiB writes',
        bare2.mbps,
        60,
        `sender and receiver in separate processes, like two users; timed from asking for the file to the last byte on disk (LinkUp: download() then saveFile()${linkup2.downloadMbps ? `; download() alone ${linkup2.downloadMbps.toFixed(1)} MB/s` : ''})`,
      ),
      row(
        `file ${mib} MiB, 2 processes (vs hyperdrive)`,
        linkup2.mbps,
        'MB/s',
        'default hyperdrive replication',
        drive2.mbps,
        60,
      ),
      row(
        `file ${mib} MiB, 1 process`,
        linkup1.mbps,
        'MB/s',
        'bare secret-stream, 64 KiB writes',
        bare1.mbps,
        60,
        `both sides in one process, like the reference figures in DESIGN.md${linkup1.downloadMbps ? `; download() alone ${linkup1.downloadMbps.toFixed(1)} MB/s` : ''}`,
      ),
      row(
        `file ${mib} MiB, 1 process (vs hyperdrive)`,
        linkup1.mbps,
        'MB/s',
        'default hyperdrive replication',
        drive1.mbps,
        60,
      ),
      row(
        `file ${smallBytes / MiB} MiB, 2 processes (vs base64 JSON)`,
        linkupSmall.mbps,
        'MB/s',
        'seed: base64 in one JSON message',
        json2.mbps,
      ),
      row(
        'file transfer peak RSS, sender',
        linkup2.sender,
        'MiB',
        'hyperdrive sender',
        drive2.sender,
        undefined,
        memoryNote,
      ),
      row(
        'file transfer peak RSS, receiver',
        linkup2.receiver,
        'MiB',
        'hyperdrive receiver',
        drive2.receiver,
      ),
    ]
    // Rows a quick run did not measure are left out rather than shown empty.
    return full ? rows : rows.filter((r) => !/1 process|base64/.test(r.name))
  } finally {
    await net.destroy()
    await removeTempDirs()
  }
}

export const benchmark: Benchmark = {
  name: 'files',
  title: 'File transfer between two engines, each side in its own process',
  run,
}

import fsp from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LinkupNode } from '../src/core/node'
import { size, type BenchContext, type Benchmark } from './lib/context'
import type { Fetched, Method } from './lib/file-sides'
import { MiB, mbPerSecond, randomFile, sha256 } from './lib/files'
import { removeTempDirs, tempDir, testnet, type Bootstrap } from './lib/net'
import { ge, result, type Result } from './lib/result'
import { median } from './lib/stats'
import { spawnWorker } from './lib/worker'

// File transfer between two fresh processes, one per side (lib/file-sides.ts), so each
// side's peak RSS is its own; and with both sides in one process. The receiver's clock
// runs from asking for the file to the last byte written to its disk. Methods:
//   bare       bare secret-stream, 64 KiB writes, receiver writes to disk
//   hyperdrive default hyperdrive replication of the same file (read stream to disk)
//   base64     the seed design: the whole file as base64 inside one JSON message
//   linkup     node.sendFile, then saveFile() on the receiver (download, verify, write)

const SIDES = fileURLToPath(new URL('./lib/file-sides.ts', import.meta.url))
const TRANSFER_TIMEOUT_MS = 120_000
/** LinkUp's transfers run this often (fresh processes each); figures are medians. */
const RUNS = 3
const LINKUP_PENDING = 'node.sendFile / node.download do not exist yet (files engine in progress)'

interface Transfer {
  mbps: number
  /** Every run's rate when the transfer was repeated (mbps is their median). */
  runs?: number[]
  /** Peak RSS of each side, MiB; measured only when the sides are separate processes. */
  sender: number | null
  receiver: number | null
  /** Every run's peaks when the transfer was repeated (sender and receiver are their medians). */
  senders?: number[]
  receivers?: number[]
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
  const sender = spawnWorker(SIDES, opts)
  const receiver = processes === 2 ? spawnWorker(SIDES, opts) : sender
  try {
    const out = path.join(path.dirname(src), `received-${method}-${processes}-${bytes}`)
    const [key] = await Promise.all([
      sender.call<string>('serve', method, bootstrap, src),
      receiver.call('open', method, bootstrap),
    ])
    await Promise.all([sender.call('resetPeak'), processes === 2 && receiver.call('resetPeak')])
    const { ms } = await receiver.call<Fetched>('fetch', method, key, out, bytes)
    const peaks =
      processes === 2
        ? await Promise.all([sender.call<number>('peak'), receiver.call<number>('peak')])
        : [null, null]
    if ((await sha256(out)) !== (await sha256(src)))
      throw new Error(`${method}: received file differs`)
    await fsp.rm(out)
    return {
      mbps: mbPerSecond(bytes, ms),
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
  // Two sizes in the same run show whether memory grows with the file.
  const smallBytes = size(ctx, 25, 2) * MiB
  // The seed design's one JSON frame must fit a secret-stream message (16 MiB): base64 of
  // 10 MiB does, of 25 MiB does not (the frame is refused and the receiver waits forever).
  const jsonBytes = size(ctx, 10, 2) * MiB
  const net = await testnet()
  const dir = await tempDir('linkup-bench-files-')
  try {
    const big = path.join(dir, 'big.bin')
    const small = path.join(dir, 'small.bin')
    const json = path.join(dir, 'json.bin')
    await randomFile(big, bigBytes)
    await randomFile(small, smallBytes)
    await randomFile(json, jsonBytes)
    const mib = bigBytes / MiB
    const once = async (method: Method, processes: 1 | 2, file: string, bytes: number) => {
      ctx.log(`${method}, ${bytes / MiB} MiB, ${processes} process${processes === 2 ? 'es' : ''}`)
      return transfer(method, processes, net.bootstrap, file, bytes)
    }
    // LinkUp's rows are judged against the target: medians of `runs` transfers, with the
    // peak RSS of the median run's sides.
    const runs = size(ctx, RUNS, 1)
    const measure = async (method: Method, processes: 1 | 2, file: string, bytes: number) => {
      if (method !== 'linkup') return once(method, processes, file, bytes)
      const all: Transfer[] = []
      for (let n = 0; n < runs; n++) all.push(await once(method, processes, file, bytes))
      const rates = all.map((t) => t.mbps)
      const peaks = (side: 'sender' | 'receiver') =>
        all.flatMap((t) => (t[side] === null ? [] : [t[side]]))
      const senders = peaks('sender')
      const receivers = peaks('receiver')
      return {
        mbps: median(rates),
        runs: rates,
        sender: senders.length ? median(senders) : null,
        receiver: receivers.length ? median(receivers) : null,
        senders,
        receivers,
      }
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
    const json2 = full ? await measure('base64', 2, json, jsonBytes) : none
    // Context only (no target): one LinkUp transfer of the same file beside it.
    const linkupJson = have && full ? await once('linkup', 2, json, jsonBytes) : none
    const driveSmall = full ? await measure('hyperdrive', 2, small, smallBytes) : none
    const linkupSmall = have && full ? await measure('linkup', 2, small, smallBytes) : none

    const peaks = (t: Transfer) =>
      `sender ${t.sender?.toFixed(0)} / receiver ${t.receiver?.toFixed(0)} MiB`
    const smallMib = smallBytes / MiB
    const memoryNote = `peak RSS per side (fresh process each; LinkUp: median of ${runs} runs): bare ${peaks(bare2)}; hyperdrive ${peaks(drive2)}${full ? `; base64 at ${jsonBytes / MiB} MiB ${peaks(json2)}` : ''}`
    const growth = (big: number | null, small: number | null) =>
      big === null || small === null ? null : big - small
    const row = (
      name: string,
      value: number | number[] | null,
      unit: string,
      baseline: string,
      base: number | null,
      target?: number,
      note?: string,
    ): Result => {
      const r = result({
        name,
        ...(Array.isArray(value) ? { runs: value } : { value }),
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
        linkup2.runs ?? linkup2.mbps,
        'MB/s',
        'bare secret-stream, 64 KiB writes',
        bare2.mbps,
        60,
        `sender and receiver in separate processes, like two users; timed from asking for the file to the last byte on disk (LinkUp: saveFile() on the receiver, which downloads, verifies and writes in one pass)`,
      ),
      row(
        `file ${mib} MiB, 2 processes (vs hyperdrive)`,
        linkup2.runs ?? linkup2.mbps,
        'MB/s',
        'default hyperdrive replication',
        drive2.mbps,
        60,
      ),
      row(
        `file ${mib} MiB, 1 process`,
        linkup1.runs ?? linkup1.mbps,
        'MB/s',
        'bare secret-stream, 64 KiB writes',
        bare1.mbps,
        60,
        `both sides in one process, like the reference figures in DESIGN.md`,
      ),
      row(
        `file ${mib} MiB, 1 process (vs hyperdrive)`,
        linkup1.runs ?? linkup1.mbps,
        'MB/s',
        'default hyperdrive replication',
        drive1.mbps,
        60,
      ),
      row(
        `file ${jsonBytes / MiB} MiB, 2 processes (vs base64 JSON)`,
        linkupJson.mbps,
        'MB/s',
        'seed: base64 in one JSON message',
        json2.mbps,
      ),
      row(
        `file transfer peak RSS, sender, ${mib} MiB`,
        linkup2.senders ?? linkup2.sender,
        'MiB',
        'hyperdrive sender',
        drive2.sender,
        undefined,
        memoryNote,
      ),
      row(
        `file transfer peak RSS, receiver, ${mib} MiB`,
        linkup2.receivers ?? linkup2.receiver,
        'MiB',
        'hyperdrive receiver',
        drive2.receiver,
      ),
      row(
        `file transfer peak RSS, sender, ${smallMib} MiB`,
        linkupSmall.senders ?? linkupSmall.sender,
        'MiB',
        'hyperdrive sender',
        driveSmall.sender,
      ),
      row(
        `file transfer peak RSS, receiver, ${smallMib} MiB`,
        linkupSmall.receivers ?? linkupSmall.receiver,
        'MiB',
        'hyperdrive receiver',
        driveSmall.receiver,
      ),
      row(
        `file transfer peak RSS growth ${smallMib}→${mib} MiB, sender`,
        growth(linkup2.sender, linkupSmall.sender),
        'MiB',
        'hyperdrive sender',
        growth(drive2.sender, driveSmall.sender),
        undefined,
        'memory against size: median peak at the larger file minus median peak at the smaller, same run',
      ),
      row(
        `file transfer peak RSS growth ${smallMib}→${mib} MiB, receiver`,
        growth(linkup2.receiver, linkupSmall.receiver),
        'MiB',
        'hyperdrive receiver',
        growth(drive2.receiver, driveSmall.receiver),
      ),
    ]
    // Rows a quick run did not measure are left out rather than shown empty.
    return full
      ? rows
      : rows.filter(
          (r) => !/1 process|base64|growth/.test(r.name) && !r.name.endsWith(`, ${smallMib} MiB`),
        )
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

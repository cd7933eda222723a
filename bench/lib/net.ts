import { randomBytes } from 'node:crypto'
import DHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'

// The bare Holepunch stack every baseline is measured on: swarms on the private
// testnet, bound to 127.0.0.1, exactly as the engine configures its own.

export { testnet, tempDir, removeTempDirs } from '../../tests/helpers/net'
export type Bootstrap = Array<{ host: string; port: number }>

/**
 * A bare swarm configured like the engine's. `open: true` marks its DHT node as not
 * firewalled, so peers in other processes connect to it directly: on loopback the
 * default holepunch path between two processes fails about half the time (the first
 * attempt times out after ~13 s; see docs/BENCHMARKS.md). Only used where connection
 * set-up is not what is measured.
 */
export function bareSwarm(bootstrap: Bootstrap, opts: { open?: boolean } = {}): Hyperswarm {
  const dht = new DHT({ bootstrap, host: '127.0.0.1', ...(opts.open ? { firewalled: false } : {}) })
  return new Hyperswarm({ dht })
}

export function randomTopic(): Buffer {
  return randomBytes(32)
}

/** Resolves with the first event whose payload passes `accept`, or rejects after timeoutMs. */
export function once<T = any>(
  emitter: { on(e: string, cb: (v: T) => void): any; off(e: string, cb: (v: T) => void): any },
  event: string,
  timeoutMs: number,
  accept: (value: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on)
      reject(new Error(`no ${event} within ${timeoutMs} ms`))
    }, timeoutMs)
    const on = (value: T) => {
      if (!accept(value)) return
      clearTimeout(timer)
      emitter.off(event, on)
      resolve(value)
    }
    emitter.on(event, on)
  })
}

/**
 * Connects two bare swarms over a fresh topic: `a` announces first, then `b` looks it
 * up (two swarms joining at the same moment would not meet, see DESIGN.md).
 */
export async function connectBare(
  a: Hyperswarm,
  b: Hyperswarm,
  timeoutMs = 10_000,
): Promise<{ ab: any; ba: any; ms: number }> {
  const topic = randomTopic()
  a.join(topic, { server: true, client: false })
  await a.flush()
  const fromA = once<any>(a, 'connection', timeoutMs)
  const fromB = once<any>(b, 'connection', timeoutMs)
  const start = performance.now()
  b.join(topic, { server: false, client: true })
  const [ab, ba] = await Promise.all([fromA, fromB])
  const ms = performance.now() - start
  for (const conn of [ab, ba]) conn.on('error', () => {})
  return { ab, ba, ms }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

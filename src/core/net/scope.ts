import b4a from 'b4a'
import Protomux from 'protomux'

// Which room each core belongs to on this node. Nothing replicates corestore-wide: a core
// is attached to a connection only by its room, and only once that room's channel opened
// on it with proof from both ends. A core claimed by one room is never attached for
// another, so a member of room A who gossips a writer or drive key of room B into A cannot
// make us serve it there. Requests for any other core get what a core that does not exist
// gets: protomux rejects the open, the same answer either way.

export class CoreScopes {
  private readonly owner = new Map<string, string>()

  /** True if `core` may belong to `room`: it is free, or already that room's. */
  claim(core: Buffer | string, room: string): boolean {
    const key = typeof core === 'string' ? core : b4a.toString(core, 'hex')
    const current = this.owner.get(key)
    if (current !== undefined && current !== room) return false
    this.owner.set(key, room)
    return true
  }

  belongsTo(core: Buffer | string): string | undefined {
    return this.owner.get(typeof core === 'string' ? core : b4a.toString(core, 'hex'))
  }

  releaseKey(core: string): void {
    this.owner.delete(core)
  }

  release(room: string): void {
    for (const [key, owner] of this.owner) if (owner === room) this.owner.delete(key)
  }
}

/** Replicates one core on one connection (once), through the connection's protomux. */
export function attachCore(core: any, conn: any, attached: WeakMap<any, Set<any>>): void {
  if (core.closing || conn.destroyed) return
  let cores = attached.get(conn)
  if (!cores) attached.set(conn, (cores = new Set()))
  const id = core.key ? b4a.toString(core.key, 'hex') : core
  if (cores.has(id)) return
  cores.add(id)
  core.replicate(Protomux.from(conn))
}

/**
 * Ends one core's replication session on one connection: its room's link there closed
 * (the member left, was blocked, or the mesh let the link go) while the socket stays for
 * other rooms. Left attached, the session would go on serving the core's new blocks over
 * that socket, to a member we blocked among others.
 */
export function detachCore(core: any, conn: any, attached: WeakMap<any, Set<any>>): void {
  const id = core.key ? b4a.toString(core.key, 'hex') : core
  if (!attached.get(conn)?.delete(id) || conn.destroyed || !core.discoveryKey) return
  const mux = Protomux.from(conn)
  // hypercore's own bookkeeping of the connection, then the pairing and the open session.
  const replicator = core.core?.replicator
  if (typeof replicator?.detachFrom === 'function') replicator.detachFrom(mux)
  else mux.unpair({ protocol: HYPERCORE_PROTOCOL, id: core.discoveryKey })
  for (const channel of mux)
    if (channel.protocol === HYPERCORE_PROTOCOL && b4a.equals(channel.id, core.discoveryKey))
      channel.close()
}

/** The protomux protocol of hypercore's replication sessions. */
const HYPERCORE_PROTOCOL = 'hypercore/alpha'

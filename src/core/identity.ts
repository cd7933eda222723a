import fs from 'node:fs/promises'
import path from 'node:path'
import crypto from 'hypercore-crypto'
import sodium from 'sodium-universal'
import b4a from 'b4a'
import { writeFileAtomic } from './atomic'

export interface KeyPair {
  publicKey: Buffer
  secretKey: Buffer
}

/**
 * The member's Ed25519 identity, kept in identity.json (mode 0600). Each room's writer
 * core gets its own key pair derived from the identity seed and the room key: the same
 * writer in a room across restarts, and no way to link one member's rooms by writer key.
 */
export class Identity {
  private constructor(
    readonly keyPair: KeyPair,
    private readonly seed: Buffer,
  ) {}

  static async load(storage: string): Promise<Identity> {
    const file = path.join(storage, 'identity.json')
    let seed: Buffer
    try {
      const raw = JSON.parse(await fs.readFile(file, 'utf8'))
      if (typeof raw.seed !== 'string' || !/^[0-9a-f]{64}$/.test(raw.seed))
        throw new Error('no seed')
      seed = Buffer.from(raw.seed, 'hex')
    } catch (err: any) {
      if (err.code !== 'ENOENT') {
        throw new Error(
          `${file} is unreadable (${err.message}); it was left untouched. Move it away to make a new identity.`,
        )
      }
      seed = crypto.randomBytes(32)
      await writeFileAtomic(file, JSON.stringify({ seed: b4a.toString(seed, 'hex') }) + '\n')
    }
    return new Identity(seedKeyPair(seed), seed)
  }

  get publicKey(): string {
    return b4a.toString(this.keyPair.publicKey, 'hex')
  }

  /** Writer key pair for one room. */
  driveNamespace(roomKey: Buffer): string {
    return driveNamespaceOf(this.seed, roomKey)
  }

  writerKeyPair(roomKey: Buffer): KeyPair {
    const derived = Buffer.alloc(32)
    sodium.crypto_generichash(
      derived,
      Buffer.concat([Buffer.from('linkup/writer'), roomKey]),
      this.seed,
    )
    return seedKeyPair(derived)
  }
}

/** Corestore namespace of the member's own drive in a room: per room, unlinkable across rooms. */
export function driveNamespaceOf(seed: Buffer, roomKey: Buffer): string {
  const derived = Buffer.alloc(32)
  sodium.crypto_generichash(derived, Buffer.concat([Buffer.from('linkup/drive'), roomKey]), seed)
  return `linkup-room-drive/${derived.toString('hex')}`
}

function seedKeyPair(seed: Buffer): KeyPair {
  const publicKey = Buffer.alloc(32)
  const secretKey = Buffer.alloc(64)
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed)
  return { publicKey, secretKey }
}

import sodium from 'sodium-universal'

// BLAKE2b-256 over a stream of chunks: the content hash a file entry carries. Chunks are
// hashed as they pass, so no side ever holds a whole file to hash it.

export const FILE_HASH_BYTES = 32

export class FileHasher {
  private readonly state = Buffer.alloc(sodium.crypto_generichash_STATEBYTES)
  private done = false
  bytes = 0

  constructor() {
    sodium.crypto_generichash_init(this.state, null, FILE_HASH_BYTES)
  }

  update(chunk: Uint8Array): void {
    if (this.done) throw new Error('FileHasher: update after digest')
    sodium.crypto_generichash_update(this.state, chunk)
    this.bytes += chunk.byteLength
  }

  /** Hex digest; the hasher is spent afterwards. */
  digest(): string {
    const out = Buffer.alloc(FILE_HASH_BYTES)
    sodium.crypto_generichash_final(this.state, out)
    this.done = true
    return out.toString('hex')
  }
}

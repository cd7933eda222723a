import sodium from 'sodium-universal'

// Keyed BLAKE2b derivations from the room key. A DHT node sees only the topic and
// cannot turn it back into the room key; the proof binds room-key knowledge to one
// Noise session, so it cannot be replayed on another connection.

function keyedHash(key: Buffer, ...parts: Buffer[]): Buffer {
  const out = Buffer.alloc(32)
  sodium.crypto_generichash(out, Buffer.concat(parts), key)
  return out
}

export function roomTopic(roomKey: Buffer): Buffer {
  return keyedHash(roomKey, Buffer.from('linkup/topic'))
}

/** What one side sends to prove it holds the room key on this very connection. */
export function roomProof(roomKey: Buffer, handshakeHash: Buffer, initiator: boolean): Buffer {
  return keyedHash(
    roomKey,
    Buffer.from('linkup/proof'),
    handshakeHash,
    Buffer.from([initiator ? 1 : 0]),
  )
}

export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.byteLength === b.byteLength && sodium.sodium_memcmp(a, b)
}

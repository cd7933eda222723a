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

/**
 * A room's tag on one connection: what a side sends so that a peer holding the same room
 * key recognises the room, while to anyone else it is 16 random-looking bytes that differ
 * on every connection. Bound to the sender's role, so a tag reflected back proves nothing.
 */
export function roomTag(roomKey: Buffer, handshakeHash: Buffer, initiator: boolean): Buffer {
  return keyedHash(
    roomKey,
    Buffer.from('linkup/room-tag/1'),
    handshakeHash,
    Buffer.from([initiator ? 1 : 0]),
  ).subarray(0, ROOM_TAG_BYTES)
}

export const ROOM_TAG_BYTES = 16

/** The protomux id of a room's channel on one connection: only key holders can compute it. */
export function roomChannelId(roomKey: Buffer, handshakeHash: Buffer): Buffer {
  return keyedHash(roomKey, Buffer.from('linkup/room-channel/1'), handshakeHash)
}

/** What a member signs with its writer key to prove, on this connection, that the key is its own. */
export function writerProofMessage(
  channelId: Buffer,
  handshakeHash: Buffer,
  initiator: boolean,
): Buffer {
  return Buffer.concat([
    Buffer.from('linkup/writer-proof/1'),
    channelId,
    handshakeHash,
    Buffer.from([initiator ? 1 : 0]),
  ])
}

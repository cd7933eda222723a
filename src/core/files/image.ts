// Reads the pixel size of an image from its header: PNG, JPEG, WebP and GIF, nothing
// else. Avatars are checked with it before they are stored or shown, so a peer cannot
// hand out a 30000×30000 "avatar" that stalls every renderer that draws it. Our own
// reader, a few bytes per format, instead of an image library on a trust boundary.

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif'

export interface ImageInfo {
  type: ImageType
  width: number
  height: number
}

/** Type and pixel size from the first bytes, or null when it is not one of the four formats. */
export function imageInfo(buf: Uint8Array): ImageInfo | null {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  const info = png(b) ?? gif(b) ?? webp(b) ?? jpeg(b)
  return info && info.width > 0 && info.height > 0 ? info : null
}

function png(b: Buffer): ImageInfo | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (b.length < 24 || !sig.every((v, i) => b[i] === v)) return null
  if (b.toString('latin1', 12, 16) !== 'IHDR') return null
  return { type: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}

function gif(b: Buffer): ImageInfo | null {
  if (b.length < 10) return null
  const sig = b.toString('latin1', 0, 6)
  if (sig !== 'GIF87a' && sig !== 'GIF89a') return null
  return { type: 'image/gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) }
}

function webp(b: Buffer): ImageInfo | null {
  if (b.length < 30) return null
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return null
  const chunk = b.toString('latin1', 12, 16)
  if (chunk === 'VP8 ') {
    // Lossy: a key frame's start code, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null
    return {
      type: 'image/webp',
      width: b.readUInt16LE(26) & 0x3fff,
      height: b.readUInt16LE(28) & 0x3fff,
    }
  }
  if (chunk === 'VP8L') {
    // Lossless: signature byte, then width-1 and height-1 in 14 bits each.
    if (b[20] !== 0x2f) return null
    const bits = b.readUInt32LE(21)
    return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
  }
  if (chunk === 'VP8X') {
    // Extended: canvas width-1 and height-1 as 24-bit numbers.
    return { type: 'image/webp', width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 }
  }
  return null
}

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

function jpeg(b: Buffer): ImageInfo | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null
  let pos = 2
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) return null
    const marker = b[pos + 1]
    if (marker === 0xff) {
      pos++ // fill byte
      continue
    }
    // Markers without a length: TEM, RSTn, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2
      continue
    }
    // Scan data or the end before any frame header: no size to read.
    if (marker === 0xda || marker === 0xd9) return null
    const length = b.readUInt16BE(pos + 2)
    if (length < 2) return null
    if (SOF.has(marker)) {
      if (pos + 9 > b.length) return null
      return { type: 'image/jpeg', height: b.readUInt16BE(pos + 5), width: b.readUInt16BE(pos + 7) }
    }
    pos += 2 + length
  }
  return null
}

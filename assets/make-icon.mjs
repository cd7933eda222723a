// Draws the LinkUp icon, two overlapping speech bubbles on a rounded square, from one
// description of its shapes into both assets/icon.svg (the source) and assets/icon.png
// (512x512, what electron-builder and the Linux window use). No image tools needed:
//   node assets/make-icon.mjs
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'

const SIZE = 512
const SAMPLES = 4 // per axis: 16 samples a pixel for smooth edges
const here = path.dirname(fileURLToPath(import.meta.url))

const gradient = { from: [20, 184, 166], to: [37, 99, 235] } // teal to blue, top-left to bottom-right
const background = { x: 32, y: 32, w: 448, h: 448, r: 100 }
const back = {
  rect: { x: 200, y: 104, w: 216, h: 160, r: 56 },
  tail: [
    [336, 240],
    [396, 240],
    [404, 314],
  ],
  opacity: 0.55,
}
const front = {
  rect: { x: 96, y: 184, w: 256, h: 184, r: 62 },
  tail: [
    [124, 340],
    [196, 340],
    [104, 420],
  ],
}
const dots = [162, 224, 286].map((cx) => ({ cx, cy: 276, r: 19 }))
const dotColor = [29, 120, 214]

// ---- geometry --------------------------------------------------------------------------
function inRoundRect(px, py, { x, y, w, h, r }) {
  if (px < x || py < y || px > x + w || py > y + h) return false
  const cx = Math.min(Math.max(px, x + r), x + w - r)
  const cy = Math.min(Math.max(py, y + r), y + h - r)
  return (px - cx) ** 2 + (py - cy) ** 2 <= r * r
}
function inTriangle(px, py, [[ax, ay], [bx, by], [cx, cy]]) {
  const s = (x1, y1, x2, y2) => (px - x2) * (y1 - y2) - (x1 - x2) * (py - y2)
  const d1 = s(ax, ay, bx, by)
  const d2 = s(bx, by, cx, cy)
  const d3 = s(cx, cy, ax, ay)
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0))
}
const inBubble = (px, py, b) => inRoundRect(px, py, b.rect) || inTriangle(px, py, b.tail)
const inCircle = (px, py, { cx, cy, r }) => (px - cx) ** 2 + (py - cy) ** 2 <= r * r

function gradientAt(px, py) {
  const t = Math.min(Math.max((px + py - 2 * background.x) / (2 * background.w), 0), 1)
  return gradient.from.map((c, i) => c + (gradient.to[i] - c) * t)
}

// ---- raster ----------------------------------------------------------------------------
function colourAt(px, py) {
  if (!inRoundRect(px, py, background)) return [0, 0, 0, 0]
  let rgb = gradientAt(px, py)
  const over = (top, a) => (rgb = rgb.map((c, i) => c * (1 - a) + top[i] * a))
  if (inBubble(px, py, back)) over([255, 255, 255], back.opacity)
  if (inBubble(px, py, front)) over([255, 255, 255], 1)
  if (dots.some((d) => inCircle(px, py, d))) over(dotColor, 1)
  return [...rgb, 1]
}

function renderPng() {
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1))
  for (let y = 0; y < SIZE; y++) {
    const row = y * (SIZE * 4 + 1)
    rows[row] = 0 // filter: none
    for (let x = 0; x < SIZE; x++) {
      const acc = [0, 0, 0, 0] // premultiplied
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const [r, g, b, a] = colourAt(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES)
          acc[0] += r * a
          acc[1] += g * a
          acc[2] += b * a
          acc[3] += a
        }
      }
      const o = row + 1 + x * 4
      const alpha = acc[3] / (SAMPLES * SAMPLES)
      for (let i = 0; i < 3; i++) rows[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0
      rows[o + 3] = Math.round(alpha * 255)
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(SIZE, 0)
  header.writeUInt32BE(SIZE, 4)
  header.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), 8 + data.length)
  return out
}

// ---- svg -------------------------------------------------------------------------------
function renderSvg() {
  const hex = (rgb) => '#' + rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')
  const rect = ({ x, y, w, h, r }, fill) =>
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${r}" fill="${fill}"/>`
  const poly = (pts, fill) =>
    `<polygon points="${pts.map((p) => p.join(',')).join(' ')}" fill="${fill}"/>`
  const b = background
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <title>LinkUp</title>
  <defs>
    <linearGradient id="bg" gradientUnits="userSpaceOnUse" x1="${b.x}" y1="${b.y}" x2="${b.x + b.w}" y2="${b.y + b.h}">
      <stop offset="0" stop-color="${hex(gradient.from)}"/>
      <stop offset="1" stop-color="${hex(gradient.to)}"/>
    </linearGradient>
  </defs>
  ${rect(b, 'url(#bg)')}
  <g opacity="${back.opacity}">${rect(back.rect, '#fff')}${poly(back.tail, '#fff')}</g>
  <g>${rect(front.rect, '#fff')}${poly(front.tail, '#fff')}</g>
  <g fill="${hex(dotColor)}">${dots.map((d) => `<circle cx="${d.cx}" cy="${d.cy}" r="${d.r}"/>`).join('')}</g>
</svg>
`
}

writeFileSync(path.join(here, 'icon.svg'), renderSvg())
writeFileSync(path.join(here, 'icon.png'), renderPng())
console.log('wrote assets/icon.svg and assets/icon.png')

// Display helpers: times, day labels, initials and the colour a member key gets.

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' })
const dayFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
})
const dayYearFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
  year: 'numeric',
})

export const formatTime = (ms: number): string => timeFmt.format(ms)
export const formatFull = (ms: number): string => fullFmt.format(ms)

/** Local calendar day as a number, cheap enough to compare for every visible row. */
export function dayNumber(ms: number): number {
  const d = new Date(ms)
  return d.getFullYear() * 10000 + d.getMonth() * 100 + d.getDate()
}

export function dayLabel(ms: number, now = Date.now()): string {
  const day = dayNumber(ms)
  if (day === dayNumber(now)) return 'Today'
  if (day === dayNumber(now - 86_400_000)) return 'Yesterday'
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear()
  return (sameYear ? dayFmt : dayYearFmt).format(ms)
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean)
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words
  return letters.map((w) => [...w][0]?.toUpperCase() ?? '').join('') || '?'
}

/** A hue from the member key, so a member keeps one colour on every screen and peer. */
export function keyHue(key: string): number {
  return parseInt(key.slice(0, 6), 16) % 360 || 210
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

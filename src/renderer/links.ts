/** An http(s) URL, parsed; anything else (javascript:, file:, linkup:...) is refused. */
export function safeLink(input: string): URL | null {
  try {
    const url = new URL(input)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null
  } catch {
    return null
  }
}

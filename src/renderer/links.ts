/** An http(s) URL, parsed; anything else (javascript:, file:, linkup:...) is refused. */
export function safeLink(input: string): URL | null {
  try {
    const url = new URL(input)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null
  } catch {
    return null
  }
}

/** Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), and marks. */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u

/** The host a piece of link text names, if the text looks like an address at all. */
function hostNamedBy(text: string): string | null {
  const t = text.trim()
  // An address: scheme://..., www...., or a dotted name with a known-looking TLD and no spaces.
  const looks =
    /^[a-z][a-z0-9+.-]*:\/\/\S+$/iu.test(t) ||
    /^(?:www\.)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?:[/:?#]\S*)?$/iu.test(t)
  if (!looks) return null
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//iu.test(t) ? t : `http://${t}`)
    return url.hostname || null
  } catch {
    return null
  }
}

/**
 * Why a link should show its real target and ask before opening, or null when its text
 * cannot mislead: the text names another host than the target (`[https://good.example]
 * (https://evil.example)`), carries bidi controls that can reorder what it shows, the
 * target hides its host behind a user name, or its host is punycode (a look-alike of
 * another name).
 */
export function deceptiveLink(text: string, href: string): string | null {
  const target = safeLink(href)
  if (!target) return null
  if (BIDI_CONTROLS.test(text)) return 'The link text contains characters that reorder it.'
  // https://good.example@evil.example reads as good.example but goes to evil.example.
  if (target.username || target.password)
    return `The link puts a name before its host: it goes to ${target.hostname}.`
  const named = hostNamedBy(text)
  if (named && named !== target.hostname)
    return `The link text names ${named}, but the link goes to ${target.hostname}.`
  if (target.hostname.split('.').some((label) => label.startsWith('xn--')))
    return `The link goes to ${target.hostname}, a name that can look like another one.`
  return null
}

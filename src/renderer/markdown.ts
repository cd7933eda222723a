import hljs from 'highlight.js/lib/common'
import MarkdownIt from 'markdown-it'
import { deceptiveLink, safeLink } from './links'

// Message text comes from anyone who holds the room key. markdown-it with html:false
// escapes every tag, validateLink below keeps absolute http(s) links only (anything
// else, relative paths included, stays plain text), and highlight.js returns escaped
// HTML; so the string below is safe to set as innerHTML. Images are switched off: a
// remote image would tell its host who read the message (and the CSP would block it
// anyway). A link whose text could mislead (links.ts) shows its real target after it.

// Highlighting costs far more than parsing, and some grammars grow worse than linearly
// (highlight.js's Markdown took 0.7 s for a 16 KiB block, the longest message anyone may
// send): a hostile member could freeze the reader with a screen of them. Longer code is
// shown as plain, escaped text, as code viewers do with big files.
/** Code blocks up to this many characters are highlighted. */
export const HIGHLIGHT_MAX_CHARS = 4096

const md: InstanceType<typeof MarkdownIt> = new MarkdownIt({
  html: false,
  linkify: true,
  breaks: true,
  typographer: false,
  highlight(code, lang) {
    const language =
      lang && code.length <= HIGHLIGHT_MAX_CHARS && hljs.getLanguage(lang) ? lang : null
    try {
      const out = language
        ? hljs.highlight(code, { language, ignoreIllegals: true }).value
        : md.utils.escapeHtml(code)
      return `<pre class="code"><code class="hljs${language ? ` language-${language}` : ''}">${out}</code></pre>`
    } catch {
      return ''
    }
  },
})
md.disable(['image'])
// Only links the app can open become links: a refused one is left as the text it was,
// never an <a href=""> or a link relative to the app's own pages.
md.validateLink = (url) => safeLink(url) !== null
md.linkify.set({ fuzzyEmail: false })

// Links are opened by the click handler through openLink (http/https only); the
// attributes are a second line in case a click slips through.
type RenderRule = NonNullable<typeof md.renderer.rules.link_open>
const defaultLinkOpen: RenderRule =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
const defaultLinkClose: RenderRule =
  md.renderer.rules.link_close ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]
  const href = String(token.attrGet('href') ?? '')
  // The text up to the matching link_close (links do not nest).
  let text = ''
  let close = idx + 1
  for (; close < tokens.length && tokens[close].type !== 'link_close'; close++)
    text += tokens[close].content
  // `[a]()` skips validateLink with an empty href: a link to the page itself. It and
  // anything else the app cannot open stay the text they were.
  if (!safeLink(href)) {
    if (tokens[close]) tokens[close].meta = { ...tokens[close].meta, dropped: true }
    return ''
  }
  token.attrSet('rel', 'noopener noreferrer nofollow')
  token.attrSet('target', '_blank')
  const why = deceptiveLink(text, href)
  if (why && tokens[close]) {
    token.attrSet('data-deceptive', why)
    tokens[close].meta = { ...tokens[close].meta, realTarget: href }
  }
  return defaultLinkOpen(tokens, idx, options, env, self)
}
md.renderer.rules.link_close = (tokens, idx, options, env, self) => {
  if (tokens[idx].meta?.dropped) return ''
  const closed = defaultLinkClose(tokens, idx, options, env, self)
  const real = tokens[idx].meta?.realTarget as string | undefined
  if (!real) return closed
  return `${closed}<span class="link-target" data-testid="link-target"> (${md.utils.escapeHtml(real)})</span>`
}

// Each bidi embedding, override or isolate control is shut in a <bdi> of its own: the
// text keeps every character (copy and edit give back what was sent), but a control can
// no longer reorder anything after it, inside the message or out (RLO turning
// "invoice \u202Efdp.exe" into "invoice exe.pdf"). The message as a whole is isolated
// too (dir=auto, unicode-bidi: isolate). <bdi> carries no quotes, so it is inert even
// where a control sits inside an attribute value.
const BIDI_CONTROL_ALL = /[\u202a-\u202e\u2066-\u2069]/gu
const shutBidiControls = (html: string): string => html.replace(BIDI_CONTROL_ALL, '<bdi>$&</bdi>')

const CACHE_MAX = 4000
const cache = new Map<string, string>()

/** Markdown source to safe HTML, memoised: rows re-render as they scroll into view. */
export function renderMarkdown(source: string): string {
  const hit = cache.get(source)
  if (hit !== undefined) return hit
  const html = shutBidiControls(md.render(source))
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string)
  cache.set(source, html)
  return html
}

/**
 * Words, digits, spaces and a few marks that mean nothing to Markdown or to linkify (no
 * dot, slash, at sign, bracket, emphasis, escape or entity; one line; no space at either
 * end). Such a text renders as one paragraph of itself, so the row shows it as text,
 * without parsing Markdown or HTML: most chat lines are like this, and a screen of them
 * mounts in every frame of a fast scroll. tests/renderer/markdown.test.ts checks the
 * equivalence against markdown-it.
 */
const PLAIN = /^[\p{L}\p{N}](?:[\p{L}\p{N} ,;:?!'"]*[\p{L}\p{N},;:?!'"])?$/u

export function isPlainText(source: string): boolean {
  return source.length <= 2000 && PLAIN.test(source)
}

/** True when the text is only emoji (up to a few): shown larger, like other chat apps. */
export function isEmojiOnly(source: string): boolean {
  const trimmed = source.trim()
  if (!trimmed || trimmed.length > 24) return false
  return (
    /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200d|\ufe0f|\s)+$/u.test(trimmed) &&
    !/^[\d#*\s]+$/u.test(trimmed)
  )
}

/**
 * Runs the Markdown pipeline once on sample text while the first page of history is
 * still on its way, so the first rows do not pay for a cold start (linkify compiles
 * its patterns on first use).
 */
export function warmUpMarkdown(): void {
  md.render('**warm** _up_ `code` https://example.com\n\n> quote\n\n1. list')
}

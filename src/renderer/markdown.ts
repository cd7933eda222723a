import hljs from 'highlight.js/lib/common'
import MarkdownIt from 'markdown-it'

// Message text comes from anyone who holds the room key. markdown-it with html:false
// escapes every tag, its default validateLink drops javascript:/vbscript:/file:/data:
// links, and highlight.js returns escaped HTML; so the string below is safe to set as
// innerHTML. Images are switched off: a remote image would tell its host who read the
// message (and the CSP would block it anyway).

const md: InstanceType<typeof MarkdownIt> = new MarkdownIt({
  html: false,
  linkify: true,
  breaks: true,
  typographer: false,
  highlight(code, lang) {
    const language = lang && hljs.getLanguage(lang) ? lang : null
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

// Links are opened by the click handler through openLink (http/https only); the
// attributes are a second line in case a click slips through.
type RenderRule = NonNullable<typeof md.renderer.rules.link_open>
const defaultLinkOpen: RenderRule =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('rel', 'noopener noreferrer nofollow')
  tokens[idx].attrSet('target', '_blank')
  return defaultLinkOpen(tokens, idx, options, env, self)
}

const CACHE_MAX = 4000
const cache = new Map<string, string>()

/** Markdown source to safe HTML, memoised: rows re-render as they scroll into view. */
export function renderMarkdown(source: string): string {
  const hit = cache.get(source)
  if (hit !== undefined) return hit
  const html = md.render(source)
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string)
  cache.set(source, html)
  return html
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

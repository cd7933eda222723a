import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  HIGHLIGHT_MAX_CHARS,
  isEmojiOnly,
  isPlainText,
  renderMarkdown,
} from '../../src/renderer/markdown'
import { safeLink } from '../../src/renderer/links'

// Message text comes from anyone holding the room key: what markdown.ts produces is set
// as innerHTML, so it must never carry markup, script URLs or remote images.

test('raw HTML is escaped, never passed through', () => {
  const html = renderMarkdown(
    '<img src=x onerror="alert(1)"> <script>alert(2)</script> <b>bold</b>',
  )
  assert.doesNotMatch(html, /<img|<script|<b>/)
  assert.match(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/)
  assert.match(html, /&lt;script&gt;/)
})

test('script, data and file links are not made into links', () => {
  for (const url of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'vbscript:x',
    'file:///etc/passwd',
    'data:text/html;base64,PHNjcmlwdD4=',
  ]) {
    const html = renderMarkdown(`[click](${url})`)
    assert.doesNotMatch(html, /<a /, url)
  }
  const ok = renderMarkdown('[docs](https://example.com/a?b=1) and http://example.org')
  assert.match(
    ok,
    /<a href="https:\/\/example.com\/a\?b=1" rel="noopener noreferrer nofollow" target="_blank">docs<\/a>/,
  )
  assert.match(ok, /<a href="http:\/\/example.org"/)
})

test('images are not rendered (no remote fetches from message text)', () => {
  const html = renderMarkdown('![tracker](https://example.com/pixel.png)')
  assert.doesNotMatch(html, /<img/)
})

test('fenced code is highlighted and escaped; unknown languages are escaped too', () => {
  const ts = renderMarkdown('```ts\nconst a = "<b>" // hi\n```')
  assert.match(ts, /<pre class="code"><code class="hljs language-ts">/)
  assert.match(ts, /<span class="hljs-keyword">const<\/span>/)
  assert.match(ts, /&lt;b&gt;/)
  assert.doesNotMatch(ts, /<b>/)
  const unknown = renderMarkdown('```nosuchlang\n<script>x</script>\n```')
  assert.match(unknown, /&lt;script&gt;x&lt;\/script&gt;/)
  assert.doesNotMatch(unknown, /<script>/)
})

test('code longer than the highlight limit is shown escaped, not highlighted', () => {
  // Markdown's grammar in highlight.js is worse than linear: the case a member could use
  // to stall every reader's page.
  const line = '*[<b>x</b>](y) '
  const long = line.repeat(Math.ceil((HIGHLIGHT_MAX_CHARS + 1) / line.length))
  const big = renderMarkdown('```markdown\n' + long + '\n```')
  assert.match(big, /<pre class="code"><code class="hljs">/)
  assert.doesNotMatch(big, /hljs-|language-/)
  assert.match(big, /&lt;b&gt;x&lt;\/b&gt;/)
  assert.doesNotMatch(big, /<b>/)
  const short = line.repeat(Math.floor(HIGHLIGHT_MAX_CHARS / line.length))
  assert.match(renderMarkdown('```markdown\n' + short + '\n```'), /language-markdown/)
})

test('emoji-only messages are detected; text and digits are not', () => {
  assert.equal(isEmojiOnly('🎉'), true)
  assert.equal(isEmojiOnly('👍 🎉'), true)
  assert.equal(isEmojiOnly('ok 👍'), false)
  assert.equal(isEmojiOnly('123'), false)
  assert.equal(isEmojiOnly(''), false)
})

test('openLink targets: only http(s)', () => {
  assert.equal(safeLink('https://example.com/x')?.href, 'https://example.com/x')
  assert.equal(safeLink('http://127.0.0.1:8080/')?.host, '127.0.0.1:8080')
  for (const bad of [
    'javascript:alert(1)',
    'file:///etc/passwd',
    'linkup://abc',
    'ftp://x',
    'not a url',
    '',
  ]) {
    assert.equal(safeLink(bad), null, bad)
  }
})

test('plain text is shown as itself: exactly what markdown-it makes of it', () => {
  const escape = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  const chars = fc.constantFrom(...'aZé9 0,;:?!\'"ßж١'.split(''), 'mailto', 'http', 'www', 'x')
  fc.assert(
    fc.property(fc.array(chars, { minLength: 1, maxLength: 40 }), (parts) => {
      const text = parts.join('')
      if (!isPlainText(text)) return
      assert.equal(renderMarkdown(text), `<p>${escape(text)}</p>\n`, text)
    }),
    { numRuns: 2000 },
  )
  assert.ok(isPlainText('history message 12: the quick brown fox jumps over the lazy dog'))
  for (const text of [
    'example.com',
    'a *b*',
    '1) x',
    ' lead',
    'trail ',
    'two\nlines',
    'a_b_',
    'x@y',
    '<b>',
    '&amp;',
    'see http://x',
    '\u202eabc',
    '😀',
  ])
    assert.ok(!isPlainText(text), text)
})

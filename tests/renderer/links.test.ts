import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deceptiveLink } from '../../src/renderer/links'
import { renderMarkdown } from '../../src/renderer/markdown'

// Links whose text could mislead the reader, and links markdown-it must leave as text.

test('link text naming another host than the target is deceptive', () => {
  for (const [text, href] of [
    ['https://good.example', 'https://evil.example'],
    ['good.example', 'https://evil.example/good.example'],
    ['www.bank.com/login', 'https://bank.com.evil.example/login'],
    ['HTTPS://GOOD.EXAMPLE', 'https://evil.example'],
    ['paypal.com', 'https://xn--pypal-4ve.com'],
    ['https://good.example@evil.example', 'https://good.example@evil.example'],
  ])
    assert.ok(deceptiveLink(text, href), `${text} -> ${href}`)
})

test('honest links are not flagged', () => {
  for (const [text, href] of [
    ['https://good.example/a', 'https://good.example/b'],
    ['GOOD.example', 'https://good.example'],
    ['the docs', 'https://docs.example'],
    ['version 1.2', 'https://docs.example'],
    ['https://example.com', 'https://example.com'],
  ])
    assert.equal(deceptiveLink(text, href), null, `${text} -> ${href}`)
})

test('bidi controls in link text and punycode targets are flagged', () => {
  assert.ok(deceptiveLink('\u202eexe.txt', 'https://files.example'))
  assert.ok(deceptiveLink('open', 'https://xn--80ak6aa92e.com'))
})

test('a deceptive link renders its real target, escaped, after the text', () => {
  const html = renderMarkdown('[https://good.example](https://evil.example/"><b>x)')
  assert.match(html, /data-deceptive="[^"]+"/)
  assert.match(
    html,
    /<span class="link-target" data-testid="link-target"> \(https:\/\/evil\.example\/%22%3E%3Cb%3Ex\)<\/span>/,
  )
  assert.doesNotMatch(html, /<b>/)
})

test('links markdown-it would have made relative, or to other schemes, stay plain text', () => {
  for (const src of [
    '[a](/etc/passwd)',
    '[a](foo)',
    '[a](linkup://x)',
    '[a](mailto:x@y.z)',
    '<ftp://x.example>',
    '[a]()',
    '[a](#top)',
  ]) {
    const html = renderMarkdown(src)
    assert.doesNotMatch(html, /<a /, src)
  }
  assert.match(renderMarkdown('[a](https://x.example)'), /<a href="https:\/\/x.example"/)
  assert.doesNotMatch(renderMarkdown('write to a@b.example'), /<a /)
})

test('each bidi control is shut in its own <bdi>, and no character is dropped', () => {
  const html = renderMarkdown('invoice \u202efdp.exe `x\u2066y` [a\u202eb](https://a.example)')
  assert.equal(html.match(/<bdi>[\u202a-\u202e\u2066-\u2069]<\/bdi>/gu)?.length, 3)
  assert.doesNotMatch(
    html.replace(/<bdi>[\u202a-\u202e\u2066-\u2069]<\/bdi>/gu, ''),
    /[\u202a-\u202e\u2066-\u2069]/u,
  )
})

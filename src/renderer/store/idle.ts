// Work that can wait until the page has nothing more urgent to do: requestIdleCallback,
// with a timeout so it never waits for good. Used for what follows a room's first paint
// (the first prefetch of older history, the member list). Not for pages of older history
// while the reader scrolls fast: a fast scroll leaves few idle gaps, and merging pages
// in them dropped more frames, not fewer (docs/BENCHMARKS.md, 2026-11-30).

/** Runs `fn` once the page is idle, or after `timeoutMs`; returns a cancel function. */
export function onIdle(fn: () => void, timeoutMs: number): () => void {
  if (typeof requestIdleCallback !== 'function') {
    const timer = setTimeout(fn, 0)
    return () => clearTimeout(timer)
  }
  const id = requestIdleCallback(fn, { timeout: timeoutMs })
  return () => cancelIdleCallback(id)
}

// Work that can wait for a gap between frames: the browser knows when a frame is done
// and how long until the next, and requestIdleCallback says. Not for pages of older
// history while the reader scrolls fast: a fast scroll leaves gaps of a few ms, so a page
// mostly waited for its timeout instead, and frames dropped more, not fewer
// (a calm A/B, 2026-11-30: 5.3 % against 3.4 % without the wait).

/** A gap long enough for a panel to render, ms. */
export const IDLE_GAP_MS = 8

/**
 * Resolves in an idle period with at least `needMs` left before the next frame, or
 * after `timeoutMs`. Resolves at once where the browser has no idle callbacks.
 */
export function whenIdle(needMs: number, timeoutMs: number): Promise<void> {
  if (typeof requestIdleCallback !== 'function') return Promise.resolve()
  const until = performance.now() + timeoutMs
  return new Promise((resolve) => {
    const wait = (deadline: IdleDeadline) => {
      const left = until - performance.now()
      if (deadline.didTimeout || left <= 0 || deadline.timeRemaining() >= needMs) resolve()
      else requestIdleCallback(wait, { timeout: left })
    }
    requestIdleCallback(wait, { timeout: timeoutMs })
  })
}

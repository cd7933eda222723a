// Work that can wait for a gap between frames. While the reader scrolls fast, each frame
// draws a screen of new rows; work landing in the middle of one (a page of older history
// merged into the store, and the render it causes) makes that frame late. The browser
// knows when a frame is done and how long until the next: requestIdleCallback says.

/** A gap long enough for a page of history to be merged and rendered (or a panel), ms. */
export const IDLE_GAP_MS = 8
/** Waited at most, then the work runs anyway: the reader may be waiting for it. */
export const PAGE_IDLE_TIMEOUT_MS = 150

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

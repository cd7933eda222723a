// Injected into each page before the renderer loads (page.addInitScript). It watches
// the renderer from outside, changing none of its code: the WebSocket frames as they
// arrive (a listener added in the constructor runs before the renderer's onmessage),
// DOM mutations, and the end of the next frame after a change (requestAnimationFrame
// then a MessageChannel task: the first moment after that frame was painted).
// Times are performance.timeOrigin + performance.now(), comparable across pages.

export interface ProbeState {
  historyAt: number
  firstRowsAt: number
  firstPaintAt: number
  /** Text being waited for -> when its entry:added frame came, its row appeared, was painted. */
  eventAt: Record<string, number>
  domAt: Record<string, number>
  paintAt: Record<string, number>
  /** Composer text -> when Enter was pressed on it. */
  enterAt: Record<string, number>
  waiting: string[]
}

export function installProbe(): void {
  const now = () => performance.timeOrigin + performance.now()
  const probe: ProbeState = {
    historyAt: 0,
    firstRowsAt: 0,
    firstPaintAt: 0,
    eventAt: {},
    domAt: {},
    paintAt: {},
    enterAt: {},
    waiting: [],
  }
  ;(window as any).__probe = probe
  const afterPaint = (cb: () => void) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel()
      channel.port1.onmessage = cb
      channel.port2.postMessage(0)
    })

  const historyIds = new Set<number>()
  const Native = window.WebSocket
  class ProbedSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      const send = this.send.bind(this)
      this.send = (data: any) => {
        if (typeof data === 'string' && data.includes('"history:load"')) {
          const m = /"id":(\d+)/.exec(data)
          if (m) historyIds.add(Number(m[1]))
        }
        return send(data)
      }
      this.addEventListener('message', (ev: MessageEvent) => {
        const t = now()
        const data = ev.data
        if (typeof data !== 'string') return
        if (!probe.historyAt && data.startsWith('{"id":')) {
          const m = /^\{"id":(\d+)/.exec(data)
          if (m && historyIds.has(Number(m[1]))) probe.historyAt = t
        } else if (data.startsWith('{"event":"entry:added"')) {
          for (const text of probe.waiting)
            if (!probe.eventAt[text] && data.includes(text)) probe.eventAt[text] = t
        }
      })
    }
  }
  window.WebSocket = ProbedSocket as any

  window.addEventListener(
    'keydown',
    (ev) => {
      const target = ev.target as HTMLTextAreaElement | null
      if (ev.key === 'Enter' && !ev.shiftKey && target && 'value' in target)
        probe.enterAt[target.value] = now()
    },
    true,
  )

  const observer = new MutationObserver(() => {
    const t = now()
    const bodies = document.querySelectorAll('[data-testid="message-body"]')
    if (probe.historyAt && !probe.firstRowsAt && bodies.length) {
      probe.firstRowsAt = t
      afterPaint(() => (probe.firstPaintAt = now()))
    }
    if (!probe.waiting.length) return
    for (const text of probe.waiting) {
      if (probe.domAt[text]) continue
      for (const body of bodies) {
        if (body.textContent?.includes(text)) {
          probe.domAt[text] = t
          afterPaint(() => (probe.paintAt[text] = now()))
          break
        }
      }
    }
  })
  const start = () =>
    observer.observe(document.documentElement, {
      childList: true,
      subtree: true,
      characterData: true,
    })
  if (document.documentElement) start()
  else document.addEventListener('readystatechange', start, { once: true })
}

import type { Page } from '@playwright/test'

// Calls a command of src/shared/ipc.ts from inside the page, the way the renderer does:
// window.linkup in Electron, the shell's WebSocket (with the page's token) in a browser.
// For content a test cannot make through the UI headless, such as a voice note.

const METHODS: Record<string, string> = {
  'file:uploadStart': 'uploadStart',
  'file:uploadChunk': 'uploadChunk',
  'file:uploadFinish': 'uploadFinish',
  'file:url': 'fileUrl',
  'message:send': 'sendMessage',
}

export async function call(page: Page, command: string, args: unknown): Promise<any> {
  return page.evaluate(
    async ({ command, args, method }) => {
      const w = window as any
      if (w.linkup) return w.linkup[method](args)
      const token = new URLSearchParams(location.search).get('token')
      const ws = new WebSocket(`ws://${location.host}/ws?token=${token}`)
      await new Promise((resolve) => (ws.onopen = resolve))
      const reply = await new Promise<any>((resolve) => {
        ws.onmessage = (ev) => {
          const msg = JSON.parse(ev.data)
          if (msg.id === 1) resolve(msg.reply)
        }
        ws.send(JSON.stringify({ id: 1, command, args: [args] }))
      })
      ws.close()
      if (!reply.ok) throw new Error(reply.error)
      return reply.value
    },
    { command, args, method: METHODS[command] },
  )
}

/** Posts a voice note through the same upload contract the recorder uses. */
export async function postVoiceNote(
  page: Page,
  room: string,
  wav: Buffer,
  durationMs: number,
): Promise<{ id: string }> {
  const { upload } = await call(page, 'file:uploadStart', {
    room,
    kind: 'audio',
    name: 'voice-note.wav',
    type: 'audio/wav',
    size: wav.length,
    duration: durationMs,
  })
  await call(page, 'file:uploadChunk', { upload, data: wav.toString('base64') })
  return call(page, 'file:uploadFinish', { upload })
}

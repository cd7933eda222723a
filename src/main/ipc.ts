import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { eventNames, type CommandName, type Reply } from '../shared/ipc'
import { commandSchemas, parseArgs } from '../shared/ipc-schemas'
import type { EngineEvents } from '../shared/types'
import type { Engine } from '../core/handlers'
import type { Handlers } from './handlers'
import { isAppUrl, isTrustedSender } from './security'

// The typed IPC of src/shared/ipc.ts, and the only file that touches ipcMain. Every
// command checks who sent it, validates its arguments, and answers with a Reply: errors
// cross as plain messages, never as thrown objects.

/**
 * Registers one handler per command. `isOurWindow` says whether a WebContents (by id)
 * belongs to a window LinkUp opened. Returns the function that removes them again.
 */
export function registerIpc(
  handlers: Handlers,
  isOurWindow: (contentsId: number) => boolean,
): () => void {
  const commands = Object.keys(commandSchemas) as CommandName[]
  for (const command of commands) {
    ipcMain.handle(command, (event, ...args: unknown[]) => answer(command, event, args))
  }

  async function answer(
    command: CommandName,
    event: IpcMainInvokeEvent,
    args: unknown[],
  ): Promise<Reply<unknown>> {
    if (!isTrustedSender(event, isOurWindow))
      return { ok: false, error: 'Refused: unknown sender.' }
    try {
      const parsed = parseArgs(command, args)
      const handler = handlers[command] as (...a: unknown[]) => Promise<unknown>
      return { ok: true, value: await handler(...(parsed as unknown[])) }
    } catch (err) {
      return { ok: false, error: errorMessage(err) }
    }
  }

  return () => {
    for (const command of commands) ipcMain.removeHandler(command)
  }
}

/**
 * Sends every engine event to our windows, on a channel named after the event.
 * Returns the function that unsubscribes.
 */
export function forwardEvents(engine: Engine, windows: () => WebContents[]): () => void {
  const offs = eventNames.map((name) => {
    const send = (payload: EngineEvents[typeof name]) => {
      for (const contents of windows()) {
        if (!contents.isDestroyed() && isAppUrl(contents.getURL())) contents.send(name, payload)
      }
    }
    engine.on(name, send)
    return () => engine.off(name, send)
  })
  return () => offs.forEach((off) => off())
}

function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message
  return typeof err === 'string' && err ? err : 'Something went wrong.'
}

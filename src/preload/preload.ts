import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  apiCommands,
  eventNames,
  type CommandName,
  type LinkupApi,
  type Reply,
} from '../shared/ipc'

// window.linkup: one function per command of src/shared/ipc.ts and an on() per event.
// Runs sandboxed; the renderer never sees ipcRenderer or an IPC event object.

function invoke(command: CommandName) {
  return async (...args: unknown[]): Promise<unknown> => {
    const reply = (await ipcRenderer.invoke(command, ...args)) as Reply<unknown> | undefined
    if (!reply || typeof reply !== 'object') throw new Error(`No reply to ${command}`)
    if (!reply.ok) throw new Error(reply.error)
    return reply.value
  }
}

const commands = Object.fromEntries(
  Object.entries(apiCommands).map(([method, command]) => [method, invoke(command)]),
) as Omit<LinkupApi, 'on'>

const on: LinkupApi['on'] = (event, cb) => {
  if (!eventNames.includes(event)) throw new Error(`Unknown event ${String(event)}`)
  if (typeof cb !== 'function') throw new Error('on() needs a callback')
  // The IPC event carries the sender and ports; only the payload goes on.
  const listener = (_event: IpcRendererEvent, payload: unknown) => cb(payload as never)
  ipcRenderer.on(event, listener)
  let subscribed = true
  return () => {
    if (!subscribed) return
    subscribed = false
    ipcRenderer.removeListener(event, listener)
  }
}

const api: LinkupApi = { ...commands, on }

contextBridge.exposeInMainWorld('linkup', api)

import { EventEmitter } from 'node:events'
import type { EngineEvents } from '../shared/types'

/** An EventEmitter whose event names and payloads are those of EngineEvents. */
export class EngineEmitter extends EventEmitter {
  override on<E extends keyof EngineEvents>(
    event: E,
    cb: (payload: EngineEvents[E]) => void,
  ): this {
    return super.on(event, cb)
  }

  override off<E extends keyof EngineEvents>(
    event: E,
    cb: (payload: EngineEvents[E]) => void,
  ): this {
    return super.off(event, cb)
  }

  override once<E extends keyof EngineEvents>(
    event: E,
    cb: (payload: EngineEvents[E]) => void,
  ): this {
    return super.once(event, cb)
  }

  override emit<E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]): boolean {
    return super.emit(event, payload)
  }
}

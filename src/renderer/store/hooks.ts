import { createContext, useContext, useSyncExternalStore } from 'react'
import type { AppState, AppStore } from './app-store'
import type { RoomTimeline } from './timeline'

export const StoreContext = createContext<AppStore | null>(null)

export function useStore(): AppStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useStore outside <StoreContext>')
  return store
}

/** Subscribes to one slice of the app state; the selector must return stable values. */
export function useAppState<T>(select: (state: AppState) => T): T {
  const store = useStore()
  return useSyncExternalStore(store.subscribe, () => select(store.getState()))
}

/** Re-renders on every change of one room's timeline; returns the live timeline. */
export function useTimeline(timeline: RoomTimeline): number {
  return useSyncExternalStore(timeline.subscribe, timeline.getVersion)
}

import type { ReactElement } from 'react'
import { plural } from '../format'
import { useAppState } from '../store/hooks'

// Always on screen: are we on the DHT, how many peers the open room has, and whether
// its history is still arriving.
export function ConnectionStatus(): ReactElement {
  const online = useAppState((s) => s.online)
  const shell = useAppState((s) => s.shell)
  const active = useAppState((s) => s.active)
  const peers = useAppState((s) => s.rooms.find((r) => r.key === s.active)?.peers ?? 0)
  const sync = useAppState((s) => (s.active ? s.sync[s.active] : undefined))
  const syncing = sync && sync.state !== 'complete' && sync.missing > 0
  const state = shell !== 'open' ? 'engine' : online ? 'online' : 'offline'
  const label =
    state === 'engine' ? 'Engine unreachable' : state === 'online' ? 'Online on the DHT' : 'Offline'

  return (
    <div className="connection" data-testid="connection-status" data-state={state}>
      <div className="connection-line">
        <span className={`status-dot ${state}`} />
        <span className="connection-label">{label}</span>
        {active && state === 'online' ? (
          <span className="connection-peers muted" data-testid="connection-peers">
            · {plural(peers, 'peer')}
          </span>
        ) : null}
      </div>
      {syncing ? (
        <div
          className="sync"
          data-testid="sync-status"
          data-state={sync.state}
          role="status"
          title={`${sync.have} of ${sync.total} blocks here`}
        >
          <span className="muted">
            {sync.state === 'gap'
              ? `${plural(sync.missing, 'message')} missing: waiting for a member who has them`
              : `Catching up: ${plural(sync.missing, 'message')} to go`}
          </span>
          {sync.state === 'gap' ? null : (
            <progress max={sync.total} value={Math.max(0, sync.total - sync.missing)} />
          )}
        </div>
      ) : null}
    </div>
  )
}

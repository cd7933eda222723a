import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import type { LinkupApi } from '../shared/ipc'
import { App } from './App'
import { warmUpMarkdown } from './markdown'
import { AppStore } from './store/app-store'
import { StoreContext } from './store/hooks'
import { createWebClient, shellSocketUrl } from './web-client'
import './styles/base.css'
import './styles/layout.css'
import './styles/timeline.css'
import './styles/composer.css'
import './styles/code.css'
import './styles/files.css'
import './styles/social.css'

declare global {
  interface Window {
    linkup?: LinkupApi
  }
}

// In Electron the preload has put window.linkup in place. In a browser the page was
// served by src/web, whose address carries the token for its WebSocket.
function connect(): { api: LinkupApi; store: AppStore } | null {
  if (window.linkup) {
    const api = window.linkup
    return { api, store: new AppStore(api) }
  }
  const url = shellSocketUrl(window.location)
  if (!url) return null
  const client = createWebClient(url)
  const store = new AppStore(client.api, true)
  client.onStatus((status) => store.setShell(status))
  return { api: client.api, store }
}

const root = createRoot(document.getElementById('root')!)
const linked = connect()
if (!linked) {
  root.render(
    <main className="welcome">
      <div className="welcome-card" role="alert" data-testid="fatal">
        <h1>No engine to talk to</h1>
        <p className="muted">
          Open the address that <code>npm run start:web</code> printed: it carries the access token.
        </p>
      </div>
    </main>,
  )
} else {
  void linked.store.start()
  setTimeout(warmUpMarkdown, 0)
  root.render(
    <StrictMode>
      <StoreContext.Provider value={linked.store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  )
}

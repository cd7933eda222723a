// Debian's Chromium, headless, never talking to anything but the page's own host: the
// machines that run these have no internet, and Chromium's background services would
// only fail against the closed network.
export const CHROMIUM_PATH = process.env.LINKUP_CHROMIUM ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
]

import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The renderer is built once and served by both shells: Electron loads it through its
// app:// protocol and the browser shell over http://127.0.0.1. Relative asset paths
// (base './') work under both; no inline scripts, so a strict CSP holds.
const root = fileURLToPath(new URL('./src/renderer', import.meta.url))

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // One bundle read from disk or loopback; highlight.js's languages make most of it.
    chunkSizeWarningLimit: 1024,
  },
})

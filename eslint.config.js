// Lint enforces the layer rules of DESIGN.md: imports point down only, and each
// runtime may import only what it has (electron in main/preload, DOM-free core).
import tseslint from 'typescript-eslint'

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group, message })) }],
})

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.tmp', 'release', 'test-results', 'playwright-report', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/shared/**'],
    rules: restrict(
      [['electron', 'react', 'react-dom', 'node:*', 'fs', 'path', '**/core/**', '**/main/**', '**/renderer/**', '**/web/**', '**/preload/**']],
      'src/shared is pure TypeScript: it imports nothing from other layers or runtimes.',
    ),
  },
  {
    files: ['src/core/**'],
    rules: restrict(
      [['electron', 'react', 'react-dom', '**/main/**', '**/renderer/**', '**/web/**', '**/preload/**', '**/bot/**']],
      'src/core is the Node-only engine: no electron, no DOM, no shells above it.',
    ),
  },
  {
    files: ['src/renderer/**'],
    rules: restrict(
      [['electron', 'node:*', 'fs', 'path', 'hyperswarm', 'hypercore', 'corestore', 'hyperdrive', 'zod', '**/ipc-schemas', '**/core/**', '**/main/**', '**/web/**', '**/preload/**']],
      'src/renderer talks only to window.linkup (src/shared/ipc.ts); no zod, which probes eval under the CSP.',
    ),
  },
  {
    files: ['src/web/**', 'bot/**'],
    rules: restrict([['electron', '**/renderer/**', '**/main/**', '**/preload/**']], 'no electron and no other shell here.'),
  },
  {
    files: ['src/preload/**'],
    rules: restrict([['**/core/**', '**/main/**', '**/renderer/**', '**/web/**', 'zod', '**/ipc-schemas']], 'preload only bridges src/shared/ipc.ts (no zod: it must stay under 50 KB).'),
  },
  {
    files: ['src/main/**'],
    rules: restrict([['**/renderer/**', '**/web/**', '**/preload/**']], 'main hosts the engine and windows only.'),
  },
  ...ipcRules(),
)

// ipcMain lives only in src/main/ipc.ts and ipcRenderer only in src/preload.
function ipcRules() {
  const ban = (name, where) => ({
    selector: `ImportSpecifier[imported.name='${name}']`,
    message: `${name} only in ${where}.`,
  })
  const main = ban('ipcMain', 'src/main/ipc.ts')
  const renderer = ban('ipcRenderer', 'src/preload')
  return [
    { files: ['src/**', 'bot/**'], ignores: ['src/main/ipc.ts', 'src/preload/**'], rules: { 'no-restricted-syntax': ['error', main, renderer] } },
    { files: ['src/preload/**'], rules: { 'no-restricted-syntax': ['error', main] } },
    { files: ['src/main/ipc.ts'], rules: { 'no-restricted-syntax': ['error', renderer] } },
  ]
}

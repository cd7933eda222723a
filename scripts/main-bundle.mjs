// What the Electron main process bundle leaves to node_modules, shared by the app's build
// (scripts/build-electron.mjs) and the start-up benchmark (bench/lib/startup-open.ts), so
// the benchmark times the module loading users pay for.
// Every dependency stays external except BUNDLED: the Holepunch modules load native
// addons (sodium-native, udx-native, rocksdb-native) relative to their own folders, and
// electron-builder ships the dependencies in node_modules anyway. A pure-JavaScript
// dependency that start-up loads is cheaper inside the bundle: zod is 95 files, and
// resolving, reading and compiling them one by one was about a quarter of the engine's
// module loading (docs/BENCHMARKS.md, issue 16).
export const BUNDLED = ['zod']

/** @param {{ dependencies?: Record<string, string> }} pkg */
export function mainExternals(pkg) {
  return [
    'electron',
    'sodium-native',
    'udx-native',
    'rocksdb-native',
    ...Object.keys(pkg.dependencies ?? {}).filter((name) => !BUNDLED.includes(name)),
  ]
}

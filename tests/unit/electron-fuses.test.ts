import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { FuseState, FuseV1Options } from '@electron/fuses'
import afterPack, { electronBinary } from '../../scripts/fuses.mjs'

// The afterPack hook run on a stand-in for the Electron binary: the same sentinel and fuse
// wire layout, every fuse at Electron's defaults. No Electron binary exists on CI machines.

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const { ENABLE, DISABLE } = FuseState
// Electron's defaults (docs/tutorial/fuses.md), indexed by FuseV1Options: run-as-node,
// NODE_OPTIONS, --inspect, file:// privileges and Wasm trap handlers on; cookie encryption,
// asar integrity, asar-only loading and the browser-process V8 snapshot off.
const DEFAULTS: number[] = []
DEFAULTS[FuseV1Options.RunAsNode] = ENABLE
DEFAULTS[FuseV1Options.EnableCookieEncryption] = DISABLE
DEFAULTS[FuseV1Options.EnableNodeOptionsEnvironmentVariable] = ENABLE
DEFAULTS[FuseV1Options.EnableNodeCliInspectArguments] = ENABLE
DEFAULTS[FuseV1Options.EnableEmbeddedAsarIntegrityValidation] = DISABLE
DEFAULTS[FuseV1Options.OnlyLoadAppFromAsar] = DISABLE
DEFAULTS[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot] = DISABLE
DEFAULTS[FuseV1Options.GrantFileProtocolExtraPrivileges] = ENABLE
DEFAULTS[FuseV1Options.WasmTrapHandlers] = ENABLE

async function fakeElectron(file: string): Promise<void> {
  const wire = Buffer.from([1, DEFAULTS.length, ...DEFAULTS])
  await fs.writeFile(
    file,
    Buffer.concat([Buffer.alloc(4096, 7), Buffer.from(SENTINEL), wire, Buffer.alloc(512, 9)]),
  )
}

async function readWire(file: string): Promise<number[]> {
  const data = await fs.readFile(file)
  const at = data.indexOf(SENTINEL) + SENTINEL.length
  return [...data.subarray(at + 2, at + 2 + data[at + 1])]
}

test('the afterPack hook switches off run-as-node, NODE_OPTIONS, inspect and on cookie encryption and asar integrity', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'linkup-fuses-'))
  try {
    await fakeElectron(path.join(dir, 'linkup'))
    const context = {
      appOutDir: dir,
      electronPlatformName: 'linux',
      arch: 1,
      packager: { executableName: 'linkup', appInfo: { productFilename: 'LinkUp' } },
    }
    await afterPack(context)
    const wire = await readWire(path.join(dir, 'linkup'))
    assert.equal(wire[FuseV1Options.RunAsNode], DISABLE)
    assert.equal(wire[FuseV1Options.EnableCookieEncryption], ENABLE)
    assert.equal(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable], DISABLE)
    assert.equal(wire[FuseV1Options.EnableNodeCliInspectArguments], DISABLE)
    assert.equal(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation], ENABLE)
    assert.equal(wire[FuseV1Options.OnlyLoadAppFromAsar], ENABLE)
    assert.equal(wire[FuseV1Options.GrantFileProtocolExtraPrivileges], DISABLE)
    // Fuses the hook does not own keep Electron's defaults.
    assert.equal(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot], DISABLE)
    assert.equal(wire[FuseV1Options.WasmTrapHandlers], ENABLE)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})

test('the hook finds the binary electron-builder names on each platform', () => {
  const packager = { executableName: 'linkup', appInfo: { productFilename: 'LinkUp' } }
  const at = (electronPlatformName: string) =>
    electronBinary({ appOutDir: '/out', electronPlatformName, packager })
  assert.equal(at('linux'), path.join('/out', 'linkup'))
  assert.equal(at('win32'), path.join('/out', 'LinkUp.exe'))
  assert.equal(at('darwin'), path.join('/out', 'LinkUp.app'))
})

test('a binary without a fuse wire fails the build', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'linkup-fuses-'))
  try {
    await fs.writeFile(path.join(dir, 'linkup'), Buffer.alloc(1024))
    const context = {
      appOutDir: dir,
      electronPlatformName: 'linux',
      arch: 1,
      packager: { executableName: 'linkup', appInfo: { productFilename: 'LinkUp' } },
    }
    await assert.rejects(afterPack(context), /sentinel/)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})

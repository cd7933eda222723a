// electron-builder afterPack hook: flips the Electron fuses of the packaged binary before
// it is signed, then reads them back so a build that did not take them fails loudly.
//   RunAsNode off                       ELECTRON_RUN_AS_NODE cannot turn the app into node
//   EnableCookieEncryption on           cookies on disk are encrypted with the OS key store
//   EnableNodeOptionsEnvironmentVariable off   NODE_OPTIONS cannot inject code
//   EnableNodeCliInspectArguments off   --inspect cannot attach a debugger
//   EnableEmbeddedAsarIntegrityValidation on   a tampered app.asar is refused (macOS, Windows)
//   OnlyLoadAppFromAsar on              the app code is only ever read from app.asar
//   GrantFileProtocolExtraPrivileges off       file:// gets no extra powers (we use app://)
import path from 'node:path'
import {
  FuseState,
  FuseV1Options,
  FuseVersion,
  flipFuses,
  getCurrentFuseWire,
} from '@electron/fuses'
import { Arch } from 'electron-builder'

export const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
}

/** The Electron executable electron-builder produced, as electron-builder names it. */
export function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context
  const product = packager.appInfo.productFilename
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${product}.app`)
    case 'win32':
      return path.join(appOutDir, `${product}.exe`)
    default:
      return path.join(appOutDir, packager.executableName)
  }
}

export default async function afterPack(context) {
  const binary = electronBinary(context)
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas'
  await flipFuses(binary, {
    version: FuseVersion.V1,
    // Changing the binary breaks the ad-hoc signature arm64 macOS requires to launch.
    resetAdHocDarwinSignature:
      darwin && (context.arch === Arch.arm64 || context.arch === Arch.universal),
    ...FUSES,
  })
  const wire = await getCurrentFuseWire(binary)
  for (const [fuse, wanted] of Object.entries(FUSES)) {
    const expected = wanted ? FuseState.ENABLE : FuseState.DISABLE
    if (wire[fuse] !== expected) {
      throw new Error(
        `Fuse ${FuseV1Options[fuse]} of ${binary} is ${wire[fuse]}, expected ${expected}`,
      )
    }
  }
  console.log(`  • fuses set on ${path.basename(binary)}`)
}

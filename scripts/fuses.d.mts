// Types for scripts/fuses.mjs (an electron-builder hook kept as plain ESM).
export interface FusesContext {
  appOutDir: string
  electronPlatformName: string
  arch?: number
  packager: { executableName: string; appInfo: { productFilename: string } }
}
export declare const FUSES: Readonly<Record<number, boolean>>
export declare function electronBinary(context: FusesContext): string
export default function afterPack(context: FusesContext): Promise<void>

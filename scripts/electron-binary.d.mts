// Types for scripts/electron-binary.mjs.
export declare function electronBinary(root?: string): string | null
export declare function electronFlags(): string[]
export declare const NO_ELECTRON: string

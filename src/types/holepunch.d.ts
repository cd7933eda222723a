// The Holepunch modules ship no TypeScript types. These declare only what LinkUp uses,
// loosely: the engine wraps each module in a small typed class of its own.

declare module 'hyperswarm' {
  import { EventEmitter } from 'node:events'
  export default class Hyperswarm extends EventEmitter {
    constructor(opts?: any)
    dht: any
    connections: Set<any>
    peers: Map<string, any>
    keyPair: { publicKey: Buffer; secretKey: Buffer }
    join(topic: Buffer, opts?: { server?: boolean; client?: boolean }): any
    leave(topic: Buffer): Promise<void>
    joinPeer(key: Buffer): void
    flush(): Promise<void>
    listen(): Promise<void>
    destroy(): Promise<void>
  }
}

declare module 'hyperdht' {
  export default class DHT {
    constructor(opts?: any)
    static keyPair(seed?: Buffer): { publicKey: Buffer; secretKey: Buffer }
    ready(): Promise<void>
    destroy(): Promise<void>
    [key: string]: any
  }
}

declare module 'hyperdht/testnet.js' {
  export default function createTestnet(
    size?: number,
    opts?: any,
  ): Promise<{
    bootstrap: Array<{ host: string; port: number }>
    nodes: any[]
    destroy(): Promise<void>
  }>
}

declare module 'corestore' {
  export default class Corestore {
    constructor(storage: string, opts?: any)
    ready(): Promise<void>
    close(): Promise<void>
    get(opts: any): any
    replicate(stream: any, opts?: any): any
    namespace(name: string): Corestore
    session(opts?: any): Corestore
    [key: string]: any
  }
}

declare module 'hypercore' {
  const Hypercore: any
  export default Hypercore
}

declare module 'hypercore/messages.js' {
  const messages: any
  export default messages
}

declare module 'flat-tree' {
  const flat: any
  export default flat
}

declare module 'hyperdrive' {
  const Hyperdrive: any
  export default Hyperdrive
}

declare module 'protomux' {
  const Protomux: any
  export default Protomux
}

declare module 'hypercore-crypto' {
  const crypto: {
    keyPair(seed?: Buffer): { publicKey: Buffer; secretKey: Buffer }
    randomBytes(n: number): Buffer
    discoveryKey(key: Buffer): Buffer
    hash(data: Buffer | Buffer[]): Buffer
    sign(message: Buffer, secretKey: Buffer): Buffer
    verify(message: Buffer, signature: Buffer, publicKey: Buffer): boolean
  }
  export default crypto
}

declare module 'sodium-universal' {
  const sodium: any
  export default sodium
}

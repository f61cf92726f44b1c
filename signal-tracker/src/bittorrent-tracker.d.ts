// The parts of the untyped `bittorrent-tracker` client that the compatibility test uses.
declare module 'bittorrent-tracker' {
  import { EventEmitter } from 'node:events';

  interface ClientOptions {
    infoHash: string; // hex
    peerId: string; // hex
    announce: string[];
    port: number;
    rtcConfig?: { iceServers: unknown[] };
    getAnnounceOpts?: () => Record<string, unknown>;
  }

  interface SignalPeer extends EventEmitter {
    id: string;
    connected: boolean;
    send(data: string | Uint8Array): void;
    destroy(): void;
  }

  export default class Client extends EventEmitter {
    constructor(options: ClientOptions);
    start(options?: Record<string, unknown>): void;
    stop(options?: Record<string, unknown>): void;
    complete(options?: Record<string, unknown>): void;
    update(options?: Record<string, unknown>): void;
    scrape(options?: Record<string, unknown>): void;
    destroy(callback?: (error?: Error) => void): void;
  }
  export type { SignalPeer };
}

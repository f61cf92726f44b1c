// A socket for tests of what a peer's socket holds unsent (tcp-peer.test.ts, node-torrent.test.ts).
import { EventEmitter } from 'node:events';

/** A socket whose kernel takes nothing until `drainAll`: what is written stays in `writableLength`. */
export class FakeSocket extends EventEmitter {
  writableLength = 0;
  readonly remoteAddress = '127.0.0.1';

  write(data: Uint8Array): boolean {
    this.writableLength += data.byteLength;
    return false;
  }

  /** The kernel took everything: the socket's buffer is empty and it says so. */
  drainAll(): void {
    this.writableLength = 0;
    this.emit('drain');
  }

  setNoDelay(): this {
    return this;
  }

  destroy(): void {
    this.emit('close');
  }
}

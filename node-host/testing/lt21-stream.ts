// A data channel as libtorrent 2.1 writes and reads it (src/rtc_stream.cpp): a byte stream with one write in
// flight. What the peer connection queued while a write was out goes as the next write, whole, cut into messages of
// the channel's largest size, and the write ends only once the channel's buffered amount has drained to zero. A
// text message is an error that closes the stream. Shaped as the socket a NodeTorrent takes (data, drain, close,
// write, writableLength, destroy, setNoDelay, remoteAddress).
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { DataChannel, PeerConnection } from 'node-datachannel';

export class Lt21Stream extends Duplex {
  /** Writes handed to the channel (each after the previous one drained). */
  writes = 0;
  private pending: (() => void) | undefined;

  constructor(
    private readonly channel: DataChannel,
    private readonly connection: PeerConnection,
  ) {
    super();
    channel.setBufferedAmountLowThreshold(0);
    channel.onBufferedAmountLow(() => this.drained());
    channel.onMessage((message) => {
      if (typeof message === 'string') {
        this.destroy(new Error('a text message on a BitTorrent channel'));
        return;
      }
      this.push(Buffer.isBuffer(message) ? message : Buffer.from(message));
    });
    channel.onClosed(() => {
      this.push(null);
      this.destroy();
    });
  }

  get remoteAddress(): string | undefined {
    return this.connection.getSelectedCandidatePair()?.remote.address;
  }

  setNoDelay(): this {
    return this;
  }

  override _read(): void {}

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (error?: Error | null) => void): void {
    this.send(Buffer.concat(chunks.map(({ chunk }) => chunk)), done);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.send(chunk, done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.pending = undefined;
    try {
      if (this.channel.isOpen()) this.channel.close();
      this.connection.close();
    } catch {
      // closed already
    }
    done(error);
  }

  private send(bytes: Buffer, done: (error?: Error | null) => void): void {
    if (!this.channel.isOpen()) return done(new Error('the channel is closed'));
    const largest = this.channel.maxMessageSize();
    try {
      for (let at = 0; at < bytes.length; at += largest)
        this.channel.sendMessageBinary(bytes.subarray(at, Math.min(at + largest, bytes.length)));
    } catch (error) {
      return done(error as Error);
    }
    this.writes++;
    if (this.channel.bufferedAmount() === 0) return done();
    this.pending = () => done();
  }

  private drained(): void {
    // A drain reported late, of a write that had ended at once, ends nothing.
    if (this.channel.bufferedAmount() > 0) return;
    const pending = this.pending;
    this.pending = undefined;
    pending?.();
  }

  /** As the socket a NodeTorrent accepts. */
  asSocket(): Socket {
    return this as unknown as Socket;
  }
}

import { describe, expect, it, vi } from 'vitest';
import type { MainToWorker, WorkerToMain } from '../../lib/messages/protocol';
import { BACKLOG_BYTES } from '../../net/channel-writer';
import { encodeMessage } from '../../../../shared/codec/wire';
import { LOW_WATER_BYTES, MAX_EARLY_BYTES, OwnedChannels, type HeldChannel } from './owned-channels';
import type { PeerTransport } from '../../../../shared/host/peer-transport';

/** A data channel as the worker sees it after the transfer. */
class FakeChannel implements HeldChannel {
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = 'blob';
  sent: Uint8Array[] = [];
  closeCalls = 0;
  private readonly events = new EventTarget();
  constructor(public readyState = 'connecting') {}
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.events.addEventListener(type, listener as EventListener);
  }
  removeEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.events.removeEventListener(type, listener as EventListener);
  }
  dispatchEvent(event: Event): void {
    this.events.dispatchEvent(event);
  }
  send(data: Uint8Array): void {
    this.sent.push(data.slice());
    this.bufferedAmount += data.byteLength;
  }
  close(): void {
    this.closeCalls++;
    this.readyState = 'closed';
  }
  open(): void {
    this.readyState = 'open';
    this.dispatchEvent(new Event('open'));
  }
  receive(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
  /** The remote side (or the page's RTCPeerConnection) closed it. */
  lose(): void {
    this.readyState = 'closed';
    this.dispatchEvent(new Event('close'));
  }
}

const T = 'cd'.repeat(20);

/**
 * The channels, and the engine host's side of them: `bind` takes a connection's transport as the host does and
 * records what its receiver gets in the page's message shapes; `take` and `retract` use the transport the engine
 * host holds for a peer (a peer it holds none for is another transport's: false).
 */
function setup() {
  const posted: WorkerToMain[] = [];
  const delivered: MainToWorker[] = [];
  const owned = new OwnedChannels((message) => posted.push(message));
  const transports = new Map<string, PeerTransport>();
  const key = (infoHashHex: string, peer: string) => `${infoHashHex}|${peer}`;
  const channels = {
    adopt: owned.adopt.bind(owned),
    closedByPage: owned.closedByPage.bind(owned),
    setUploadLimit: owned.setUploadLimit.bind(owned),
    get size() {
      return owned.size;
    },
    limiter: owned.limiter,
    bind(infoHashHex: string, peer: string, id: string): void {
      const transport = owned.transport(infoHashHex, peer, id);
      transports.set(key(infoHashHex, peer), transport);
      transport.receive({
        data: (data) => delivered.push({ type: 'peer-data', infoHashHex, peer, data }),
        backlog: (backlogged) => delivered.push({ type: 'peer-backlog', infoHashHex, peer, backlogged }),
        uploadQueue: (bytes) => delivered.push({ type: 'upload-queue', infoHashHex, bytes }),
      });
    },
    /** True when the message went to a channel held here. */
    take(message: WorkerToMain): boolean {
      if (message.type !== 'send' && message.type !== 'close') return false;
      const transport = transports.get(key(message.infoHashHex, message.peer));
      if (!transport) return false;
      if (message.type === 'close') {
        transports.delete(key(message.infoHashHex, message.peer));
        transport.close(message.reason);
        return false;
      }
      transport.send(message.data);
      return true;
    },
    retract(infoHashHex: string, peer: string, index: number, begin: number, length: number): boolean {
      return transports.get(key(infoHashHex, peer))?.retract(index, begin, length) ?? false;
    },
  };
  return { channels, posted, delivered };
}

function bytes(...values: number[]): ArrayBuffer {
  return new Uint8Array(values).buffer;
}

describe('OwnedChannels', () => {
  it('reads binary messages and tells the page once when the channel opens', () => {
    const { channels, posted } = setup();
    const channel = new FakeChannel();
    channels.adopt('ch1', channel);
    expect(channel.binaryType).toBe('arraybuffer');
    // Refilled from the low mark simple-peer set on the page, not left to run dry (the default mark is 0).
    expect(channel.bufferedAmountLowThreshold).toBe(LOW_WATER_BYTES);
    expect(posted).toEqual([]);
    channel.open();
    channel.dispatchEvent(new Event('open'));
    expect(posted).toEqual([{ type: 'channel-state', id: 'ch1', state: 'open' }]);
  });

  it('reports a channel handed over already open (as Firefox does for an answer)', () => {
    const { channels, posted } = setup();
    channels.adopt('ch1', new FakeChannel('open'));
    expect(posted).toEqual([{ type: 'channel-state', id: 'ch1', state: 'open' }]);
  });

  it('keeps what arrives before the page names the connection, and hands it over in order after it', () => {
    const { channels, delivered } = setup();
    const channel = new FakeChannel();
    channels.adopt('ch1', channel);
    channel.open();
    channel.receive(bytes(1));
    channel.receive('hi');
    expect(delivered).toEqual([]);
    channels.bind(T, 'c7', 'ch1');
    channel.receive(bytes(3));
    expect(delivered.map((m) => m.type)).toEqual(['peer-data', 'peer-data', 'peer-data']);
    const data = delivered.map((m) => Array.from(new Uint8Array((m as { data: ArrayBuffer }).data)));
    // Text arrives as its UTF-8 bytes, as it did through simple-peer's stream.
    expect(data).toEqual([[1], [104, 105], [3]]);
    expect(delivered[0]).toMatchObject({ infoHashHex: T, peer: 'c7' });
  });

  it("reports what its torrent's channels hold to the engine as upload-queue (pacing), per torrent", async () => {
    const { channels, delivered } = setup();
    const channel = new FakeChannel('open');
    channels.adopt('ch1', channel);
    channels.bind(T, 'c1', 'ch1');
    channels.take({ type: 'send', infoHashHex: T, peer: 'c1', data: new ArrayBuffer(3000) });
    await vi.waitFor(() =>
      expect(delivered).toContainEqual({
        type: 'upload-queue',
        infoHashHex: T,
        bytes: channel.bufferedAmount,
      }),
    );
    expect(channel.bufferedAmount).toBe(3000);
    // The channel drains: the next report says so.
    channel.bufferedAmount = 0;
    channel.dispatchEvent(new Event('bufferedamountlow'));
    await vi.waitFor(() =>
      expect(delivered.at(-1)).toEqual({ type: 'upload-queue', infoHashHex: T, bytes: 0 }),
    );
  });

  it("writes the engine's sends to the channel instead of posting them, and leaves other peers' to the page", async () => {
    const { channels } = setup();
    const channel = new FakeChannel('open');
    channels.adopt('ch1', channel);
    channels.bind(T, 'c1', 'ch1');
    expect(channels.take({ type: 'send', infoHashHex: T, peer: 'c1', data: bytes(1, 2) })).toBe(true);
    expect(channels.take({ type: 'send', infoHashHex: T, peer: 'c1', data: bytes(3) })).toBe(true);
    expect(channels.take({ type: 'send', infoHashHex: T, peer: 'c2', data: bytes(9) })).toBe(false);
    expect(
      channels.take({ type: 'announce', infoHashHex: T, stats: { uploaded: 0, downloaded: 0, left: 0 } }),
    ).toBe(false);
    // One burst, one message, a task later.
    await vi.waitFor(() => expect(channel.sent.map((m) => Array.from(m))).toEqual([[1, 2, 3]]));
  });

  it("drops a queued piece message the engine retracts; another peer's, or one already sent, is not there", async () => {
    const { channels } = setup();
    const channel = new FakeChannel('open');
    channels.adopt('ch1', channel);
    channels.bind(T, 'c1', 'ch1');
    const piece = (index: number) =>
      encodeMessage({ type: 'piece', index, begin: 0, block: new Uint8Array(16_384).fill(index) }).slice()
        .buffer;
    channels.take({ type: 'send', infoHashHex: T, peer: 'c1', data: piece(1) });
    channels.take({ type: 'send', infoHashHex: T, peer: 'c1', data: piece(2) });
    expect(channels.retract(T, 'c2', 1, 0, 16_384)).toBe(false);
    expect(channels.retract(T, 'c1', 1, 0, 16_384)).toBe(true);
    await vi.waitFor(() => expect(channel.sent).toHaveLength(1));
    expect(channel.sent[0][13]).toBe(2);
    expect(channels.retract(T, 'c1', 2, 0, 16_384)).toBe(false);
  });

  it("closes the channel on the engine's close, and still lets the page close the connection", () => {
    const { channels, posted } = setup();
    const channel = new FakeChannel('open');
    channels.adopt('ch1', channel);
    channels.bind(T, 'c1', 'ch1');
    expect(channels.take({ type: 'close', infoHashHex: T, peer: 'c1', reason: 'bad' })).toBe(false);
    expect(channel.closeCalls).toBe(1);
    expect(channels.size).toBe(0);
    // Its close event says nothing more: the page is closing the connection already.
    channel.lose();
    expect(posted.filter((m) => m.type === 'channel-state' && m.state === 'closed')).toEqual([]);
    expect(channels.take({ type: 'send', infoHashHex: T, peer: 'c1', data: bytes(1) })).toBe(false);
  });

  it('tells the page once when the channel closes here, and drops what it kept', () => {
    const { channels, posted, delivered } = setup();
    const channel = new FakeChannel('open');
    channels.adopt('ch1', channel);
    channel.receive(bytes(1));
    channel.lose();
    channel.lose();
    expect(posted).toEqual([
      { type: 'channel-state', id: 'ch1', state: 'open' },
      { type: 'channel-state', id: 'ch1', state: 'closed' },
    ]);
    channels.bind(T, 'c1', 'ch1');
    expect(delivered).toEqual([]);
  });

  it('closes a channel that receives too much before the page names its connection', () => {
    const { channels, posted } = setup();
    const channel = new FakeChannel('open');
    channels.adopt('ch1', channel);
    channel.receive(new ArrayBuffer(MAX_EARLY_BYTES));
    expect(channels.size).toBe(1);
    channel.receive(new ArrayBuffer(1));
    expect(channels.size).toBe(0);
    expect(channel.closeCalls).toBe(1);
    expect(posted.at(-1)).toEqual({ type: 'channel-state', id: 'ch1', state: 'closed' });
  });

  it('closes the channel when the page closed its connection', () => {
    const { channels, posted } = setup();
    const channel = new FakeChannel('open');
    channels.adopt('ch1', channel);
    channels.closedByPage('ch1');
    channels.closedByPage('ch1');
    expect(channel.closeCalls).toBe(1);
    expect(channels.size).toBe(0);
    expect(posted).toEqual([{ type: 'channel-state', id: 'ch1', state: 'open' }]);
  });

  it("reports the peer backlogged to the engine when the channel's queue grows, and drained when it empties", async () => {
    const { channels, delivered } = setup();
    const channel = new FakeChannel('open');
    channel.bufferedAmount = 16 * 1024 * 1024; // the channel takes nothing more for now
    channels.adopt('ch1', channel);
    channels.bind(T, 'c1', 'ch1');
    channels.take({ type: 'send', infoHashHex: T, peer: 'c1', data: new ArrayBuffer(BACKLOG_BYTES + 1) });
    expect(delivered).toEqual([{ type: 'peer-backlog', infoHashHex: T, peer: 'c1', backlogged: true }]);
    // The network takes what the channel holds, again and again: the queue drains into it.
    await vi.waitFor(() => {
      channel.bufferedAmount = 0;
      channel.dispatchEvent(new Event('bufferedamountlow'));
      expect(delivered.at(-1)).toEqual({
        type: 'peer-backlog',
        infoHashHex: T,
        peer: 'c1',
        backlogged: false,
      });
    });
    expect(channel.sent.reduce((sum, m) => sum + m.byteLength, 0)).toBeGreaterThan(BACKLOG_BYTES / 2);
  });

  it('paces its channels by the upload limit the page forwards', () => {
    const { channels } = setup();
    expect(channels.limiter.bytesPerSecond).toBe(0);
    channels.setUploadLimit(50_000);
    expect(channels.limiter.bytesPerSecond).toBe(50_000);
  });
});

import { describe, expect, it } from 'vitest';
import { enginePorts, TRANSFER_MIN_BYTES, transferable } from './engine-ports';
import { recordingHost } from './testing/ports-host';
import { settle } from './testing/fakes';
import { RelayedTransport } from '../transport/relayed-transport';
import type { RecordingHost } from './testing/ports-host';

/** Connects `peer` to the host through a transport the page relays (its sends and closes are posted). */
function connect(host: RecordingHost, peer: string): RelayedTransport {
  const transport = new RelayedTransport('ab', peer, host.ctx.post, () => {});
  host.peers.add(peer, transport);
  return transport;
}

const reply = () => {
  const answers: Array<['ok', unknown] | ['fail', string]> = [];
  return {
    answers,
    ok: (value: unknown) => answers.push(['ok', value]),
    fail: (r: string) => answers.push(['fail', r]),
  };
};

describe('enginePorts', () => {
  it('sends only to a connected peer, transferring a large buffer of its own and copying the rest', () => {
    const host = recordingHost();
    const ports = enginePorts(host, () => true);
    const large = new Uint8Array(TRANSFER_MIN_BYTES);
    ports.send('p1', large);
    expect(host.posted).toEqual([]);
    connect(host, 'p1');
    ports.send('p1', large);
    ports.send('p1', new Uint8Array(10));
    const [first, second] = host.posted;
    expect(first.message).toMatchObject({ type: 'send', infoHashHex: 'ab', peer: 'p1' });
    expect(first.transfer?.[0]).toBe(large.buffer);
    expect(second.transfer?.[0]).not.toBeUndefined();
    expect((second.message as { data: ArrayBuffer }).data.byteLength).toBe(10);
  });

  it('copies a buffer still in use elsewhere, and a view of part of one', () => {
    const keep = new WeakSet<ArrayBufferLike>();
    const kept = new Uint8Array(TRANSFER_MIN_BYTES);
    keep.add(kept.buffer);
    expect(transferable(kept, keep)).not.toBe(kept.buffer);
    const part = new Uint8Array(2 * TRANSFER_MIN_BYTES).subarray(TRANSFER_MIN_BYTES);
    expect(transferable(part, keep).byteLength).toBe(TRANSFER_MIN_BYTES);
  });

  it('closes a connected peer once, and retracts only for a connected one', () => {
    const host = recordingHost();
    const retracted: string[] = [];
    const ports = enginePorts(host, () => true);
    expect(ports.retract!('p1', 0, 0, 16384)).toBe(false);
    // A transport whose writer still holds the block (a channel this worker holds) takes it back.
    connect(host, 'p1').retract = () => retracted.push('p1') > 0;
    expect(ports.retract!('p1', 0, 0, 16384)).toBe(true);
    ports.close('p1', 'choked out');
    ports.close('p1', 'again');
    expect(retracted).toEqual(['p1']);
    expect(host.posted.map((p) => p.message)).toEqual([
      { type: 'close', infoHashHex: 'ab', peer: 'p1', reason: 'choked out' },
    ]);
  });

  it("answers a hash job with the hasher's result or its failure", async () => {
    const host = recordingHost();
    const ports = enginePorts(host, () => true);
    const done = reply();
    ports.hash(new Uint8Array(3), done);
    host.ctx.sha1 = async () => {
      throw new Error('no SHA-1');
    };
    enginePorts(host, () => true).hash(new Uint8Array(3), done);
    await settle();
    expect(done.answers).toEqual([
      ['ok', new Uint8Array(20).fill(3)],
      ['fail', 'no SHA-1'],
    ]);
  });

  it("hashes a v2 piece's blocks with the context's block hasher when it has one, saying whether a player waits", async () => {
    const host = recordingHost();
    const done = reply();
    const piece = new Uint8Array(20_000);
    enginePorts(host, () => true).hashBlocks!(piece, done, false);
    await settle();
    const asked: Array<[number, boolean]> = [];
    host.ctx.blockHashes = async (data, urgent) => {
      asked.push([data.length, urgent]);
      return new Uint8Array(64).fill(7);
    };
    enginePorts(host, () => true).hashBlocks!(piece, done, true);
    await settle();
    // Without it, `sha256` here: two blocks of 16 KiB and 3,616 bytes.
    const here = new Uint8Array(64);
    here.fill(16_384, 0, 32);
    here.fill(20_000 - 16_384, 32);
    expect(done.answers).toEqual([
      ['ok', here],
      ['ok', new Uint8Array(64).fill(7)],
    ]);
    expect(asked).toEqual([[20_000, true]]);
  });

  it('announces with the stats while running; a paused torrent only says it stopped', () => {
    const host = recordingHost();
    const ports = enginePorts(host, () => true);
    ports.announce('started');
    ports.wantPeers(5);
    host.pausedNow = true;
    ports.announce(undefined);
    ports.wantPeers(5);
    ports.announce('stopped');
    expect(host.posted.map((p) => p.message)).toEqual([
      {
        type: 'announce',
        infoHashHex: 'ab',
        event: 'started',
        stats: { uploaded: 1, downloaded: 2, left: 3 },
      },
      { type: 'want-peers', infoHashHex: 'ab', count: 5 },
      {
        type: 'announce',
        infoHashHex: 'ab',
        event: 'stopped',
        stats: { uploaded: 1, downloaded: 2, left: 3 },
      },
    ]);
  });

  it("fails the torrent with the engine's reason only while its session is current", () => {
    const host = recordingHost();
    enginePorts(host, () => false).error('old session');
    enginePorts(host, () => true).error('bad state');
    expect(host.failures).toEqual(['bad state']);
  });
});

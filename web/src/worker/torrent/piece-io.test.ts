// The worker's storage ports as the engine's executor carries them out: every answer, a failure too, reaches the
// session as the contract's event.
import { describe, expect, it } from 'vitest';
import type { EngineAction } from '../../../../shared/engine/contract/engine-types';
import { executeAction } from '../../../../shared/engine/session/executor';
import { PieceReadError } from '../../../../shared/host/piece-storage';
import { enginePorts } from './engine-ports';
import { fakeInfo, settle, verifiedOf } from './testing/fakes';
import { recordingHost, type RecordingHost } from './testing/ports-host';

/** Carries out `action` through the worker's ports, the answers recorded in `host.fed`. */
function run(host: RecordingHost, action: EngineAction, current = () => true): void {
  executeAction(action, enginePorts(host, current), (event) => host.fed.push(event));
}

const read = (index: number): EngineAction => ({ type: 'read', peer: 'p1', index, begin: 0, length: 5 });

describe('storePiece', () => {
  it('writes the piece, steers the streams, and answers `stored` once it is stored', async () => {
    const host = recordingHost();
    const data = new Uint8Array([1, 2, 3]);
    run(host, { type: 'store', index: 4, data });
    expect(host.written).toEqual([{ index: 4, data: data.buffer }]);
    expect(host.verifiedSteered).toEqual([4]);
    expect(host.counted).toEqual([3]);
    await settle();
    expect(host.counted).toEqual([3, -3]);
    expect(host.landed).toEqual([4]);
    expect(host.stored).toEqual([4]);
    expect(host.fed).toEqual([{ type: 'stored', index: 4 }]);
  });

  it("answers a failed write with `store-failed` and the store's reason, and does not fail the torrent", async () => {
    const host = recordingHost();
    host.writePiece = () => Promise.reject(new DOMException('full', 'QuotaExceededError'));
    run(host, { type: 'store', index: 1, data: new Uint8Array(4) });
    await settle();
    expect(host.fed).toEqual([{ type: 'store-failed', index: 1, reason: 'storage quota exceeded' }]);
    expect(host.failures).toEqual([]);
    expect(host.landed).toEqual([1]);
    expect(host.counted).toEqual([4, -4]);
    expect(host.stored).toEqual([]);
  });

  it('counts the piece as stored before the session hears `stored` (its answer may complete the download)', async () => {
    const host = recordingHost();
    const countsSeen: number[][] = [];
    const store: EngineAction = { type: 'store', index: 4, data: new Uint8Array(3) };
    executeAction(
      store,
      enginePorts(host, () => true),
      () => countsSeen.push([...host.counted]),
    );
    await settle();
    expect(countsSeen).toEqual([[3, -3]]);
  });

  it('leaves the host alone for a piece of a session replaced meanwhile', async () => {
    const host = recordingHost();
    run(host, { type: 'store', index: 2, data: new Uint8Array(4) }, () => false);
    await settle();
    expect(host.stored).toEqual([]);
    expect(host.landed).toEqual([2]);
  });
});

describe('readBlock', () => {
  const info = fakeInfo([{ name: 'a', length: 40 }], 10);

  it('answers a read of a stored piece with its block, kept from being transferred away', async () => {
    const host = recordingHost();
    host.verifiedPieces = verifiedOf(info, [1]);
    const block = new Uint8Array(5);
    host.readBlock = async () => block;
    run(host, read(1));
    await settle();
    expect(host.fed).toEqual([{ type: 'read-done', peer: 'p1', index: 1, begin: 0, data: block }]);
    expect(host.keep.has(block.buffer)).toBe(true);
  });

  it("says a piece not stored, or the store's reason, has failed", async () => {
    const host = recordingHost();
    host.verifiedPieces = verifiedOf(info, [1]);
    host.readBlock = () => Promise.reject(new PieceReadError('piece 1 is damaged'));
    run(host, read(0));
    run(host, read(1));
    await settle();
    expect(host.fed).toEqual([
      { type: 'read-failed', peer: 'p1', index: 0, begin: 0, reason: 'piece not stored' },
      { type: 'read-failed', peer: 'p1', index: 1, begin: 0, reason: 'piece 1 is damaged' },
    ]);
  });

  it('stops a share whose shared file changed, and still answers the read', async () => {
    const host = recordingHost();
    host.verifiedPieces = verifiedOf(info, [1]);
    let stopped = 0;
    host.failShared = () => (stopped++, true);
    host.readBlock = () => Promise.reject(new Error('changed'));
    run(host, read(1));
    await settle();
    expect(stopped).toBe(1);
    expect(host.fed).toEqual([
      { type: 'read-failed', peer: 'p1', index: 1, begin: 0, reason: 'storage failed: changed' },
    ]);
  });
});

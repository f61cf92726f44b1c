import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../shared/engine/contract/engine-types';
import { createAnyInfo } from '../../../../shared/codec/metainfo-v2';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import type { WorkerToMain } from '../../lib/messages/protocol';
import type { BatchWriter } from '../storage/batch-writer';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import type { TorrentRecord } from '../storage/records';
import { TorrentParts, type HostLink } from './parts';
import { SessionActions } from './session-actions';
import { until } from '../testing/harness';
import { FakeSession, FakeWriter, fakeInfo, settle } from './testing/fakes';

function setup(infoHashHex: string, halted = false) {
  const fed: EngineEvent[] = [];
  const posted: WorkerToMain[] = [];
  let milestones = 0;
  const writer = new FakeWriter();
  const session = new FakeSession();
  const host: HostLink = {
    feed: (event) => fed.push(event),
    fail: () => {},
    session: () => session,
    live: () => (halted ? undefined : session),
    halted: () => halted,
    removed: () => false,
    failed: () => false,
  };
  const record: TorrentRecord = {
    infoHashHex,
    name: infoHashHex,
    trackers: ['wss://t'],
    storageId: infoHashHex,
    addedAt: 1,
    uploaded: 0,
    downloaded: 0,
    paused: false,
  };
  const ctx = {
    writer: writer as unknown as BatchWriter,
    pieces: () => ({ prepare: () => {} }) as unknown as PieceStorage,
    sha1: subtleSha1,
    sha256: subtleSha256,
    post: (message: WorkerToMain) => posted.push(message),
    clock: () => 0,
    random: () => 0.5,
    newPeerId: () => new Uint8Array(20),
    createSession: () => session,
    keep: new WeakSet<ArrayBufferLike>(),
    milestone: () => milestones++,
  };
  const parts = new TorrentParts(ctx, record, { info: undefined, stored: undefined }, host);
  const actions = new SessionActions(ctx, record, parts, host);
  return { actions, parts, fed, posted, record, writer, milestones: () => milestones };
}

describe('SessionActions', () => {
  it('learns the metadata: the record keeps the info, the files are offered once written, a hybrid names its alias', async () => {
    const file = { path: ['x.bin'], length: 3, read: async () => new Uint8Array([1, 2, 3]) };
    const { info } = await createAnyInfo([file], { name: 'x.bin', sha1: subtleSha1, sha256: subtleSha256 });
    const { actions, parts, posted, record, writer, milestones } = setup(info.v1!.infoHashHex);
    actions.metadata(info.v1!);
    expect(parts.info).toBe(info.v1);
    expect(record.name).toBe('x.bin');
    expect(record.infoBytes?.byteLength).toBe(info.v1!.infoBytes.length);
    expect(posted.map((m) => m.type)).toEqual(['torrent-active']);
    expect(writer.hurries).toBe(1);
    await settle();
    expect(parts.offered.offered).toBe(true);
    expect(milestones()).toBe(2);
    await until(() => parts.v2.options !== undefined, []);
    expect(parts.v2.options?.info.infoHash).toEqual(info.v2!.infoHash);
  });

  it('leaves a stored piece to the running session (the store answers it), or records it once it stopped', () => {
    const info = fakeInfo([{ name: 'a', length: 40 }], 10);
    const running = setup(info.infoHashHex);
    running.parts.setInfo(info, undefined);
    running.actions.pieceStored(2);
    running.actions.pieceStored(3);
    expect(running.fed).toEqual([]);
    expect(running.parts.verified?.get(2)).toBe(false);
    expect(running.milestones()).toBe(1);
    const stopped = setup(info.infoHashHex, true);
    stopped.parts.setInfo(info, undefined);
    stopped.actions.pieceStored(2);
    expect(stopped.parts.verified?.get(2)).toBe(true);
  });

  it('marks the download complete once, and writes the record', () => {
    const { actions, record, writer, milestones } = setup('ab'.repeat(20));
    actions.complete();
    const at = record.completedAt;
    expect(at).toBeDefined();
    actions.complete();
    expect(record.completedAt).toBe(at);
    expect(writer.puts.length).toBe(2);
    expect(milestones()).toBe(2);
  });
});

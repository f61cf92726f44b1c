// The worker client with shares read in place from file handles: nothing stored, restored from the handles after a
// reload, `Resume sharing` after the permission came back, stopped when the file changed.
import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../lib/storage/storage';
import { FakeHandle, PlainStore, TestPeer, file, randomBytes } from '../testing/harness';

async function started(name: string, store: KeyValueStore): Promise<TestPeer> {
  const peer = new TestPeer(name, store);
  await peer.client.start();
  return peer;
}

async function shareInPlace(store: PlainStore) {
  const bytes = randomBytes(100 * 1024 + 17, 5);
  const shared = file(bytes, 'movie.bin');
  const handle = new FakeHandle(shared);
  const peer = await started('A', store);
  const reply = await peer.request(
    {
      op: 'share',
      files: [{ file: shared, path: ['movie.bin'], handle: handle as unknown as FileSystemFileHandle }],
      name: 'movie.bin',
    },
    [],
  );
  if (!reply.ok || !reply.value.infoHashHex) throw new Error(`share failed: ${JSON.stringify(reply)}`);
  await peer.client.flush();
  return { peer, handle, bytes, infoHashHex: reply.value.infoHashHex };
}

const pieceKeys = (store: PlainStore) => [...store.data.keys()].filter((key) => key.startsWith('piece:'));

describe('worker client: shares read in place', () => {
  it('stores no piece, seeds, and saves from the file', async () => {
    const store = new PlainStore();
    const { peer, infoHashHex, bytes } = await shareInPlace(store);
    expect(pieceKeys(store)).toEqual([]);
    expect(peer.view(infoHashHex)).toMatchObject({ state: 'seeding', progress: 100, inPlace: true });
    const reply = await peer.request({ op: 'get-file', infoHashHex, fileIndex: 0 });
    const saved = new Uint8Array(await (reply.ok ? reply.value : new Blob()).arrayBuffer());
    expect(saved).toEqual(bytes);
  });

  it('after a reload without the permission: stopped with Resume sharing, which seeds again once allowed', async () => {
    const store = new PlainStore();
    const { handle, infoHashHex } = await shareInPlace(store);
    handle.denied = true;
    const reloaded = await started('A2', store);
    expect(reloaded.view(infoHashHex)).toMatchObject({
      state: 'error',
      error: 'The browser needs your permission to read movie.bin again',
      resumeSharing: true,
    });
    // Still refused: it stays stopped, with the button.
    await reloaded.request({ op: 'resume-sharing', infoHashHex });
    expect(reloaded.view(infoHashHex)).toMatchObject({ state: 'error', resumeSharing: true });
    handle.denied = false;
    await reloaded.request({ op: 'resume-sharing', infoHashHex });
    const view = reloaded.view(infoHashHex);
    expect(view).toMatchObject({ state: 'seeding', progress: 100 });
    expect(view?.error).toBeUndefined();
    expect(view?.resumeSharing).toBeUndefined();
    const reply = await reloaded.request({ op: 'get-shared-handles', infoHashHex });
    expect(reply.ok && reply.value).toEqual([handle]);
  });

  it('a file changed on disk stops the share at the next reload, without Resume sharing', async () => {
    const store = new PlainStore();
    const { handle, infoHashHex, bytes } = await shareInPlace(store);
    handle.current = new File([bytes.slice(0, 1000) as Uint8Array<ArrayBuffer>], 'movie.bin');
    const reloaded = await started('A2', store);
    const view = reloaded.view(infoHashHex);
    expect(view).toMatchObject({
      state: 'error',
      error: 'The shared file movie.bin changed on disk; share it again',
    });
    expect(view?.resumeSharing).toBeUndefined();
  });
});

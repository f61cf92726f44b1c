import { describe, expect, it } from 'vitest';
import { LocalEngine } from './local-engine';

const T = 'ef'.repeat(20);

function setup() {
  const done: unknown[][] = [];
  const record =
    (name: string, answer?: unknown) =>
    (...args: unknown[]) => {
      done.push([name, ...args]);
      return answer;
    };
  const blob = new Blob(['x']);
  const handles = [{ kind: 'file', name: 'a.bin' }];
  const bridge = {
    share: record('share', Promise.resolve(T)),
    addMagnet: record('addMagnet', Promise.resolve(T)),
    addTorrentFile: record('addTorrentFile', Promise.resolve(T)),
    getFile: record('getFile', Promise.resolve(blob)),
    getTorrentFile: record('getTorrentFile', Promise.resolve({ blob, name: 'a.torrent' })),
    pause: record('pause'),
    resume: record('resume'),
    remove: record('remove'),
    chooseFiles: record('chooseFiles'),
    getSharedHandles: record('getSharedHandles', Promise.resolve(handles)),
    resumeSharing: record('resumeSharing'),
  };
  const settings = { setUploadLimit: record('setUploadLimit'), setRelayOnly: record('setRelayOnly') };
  return { engine: new LocalEngine(bridge as never, settings), done, blob, handles };
}

describe('LocalEngine', () => {
  it('runs each call on the bridge or the settings, with its arguments, and answers what they answer', async () => {
    const { engine, done, blob, handles } = setup();
    const file = new File(['a'], 'a.bin');
    const bytes = new ArrayBuffer(2);
    expect(await engine.call({ op: 'share', files: [{ file, path: ['a.bin'] }], name: 'a.bin' })).toBe(T);
    expect(await engine.call({ op: 'add-magnet', link: 'magnet:?' })).toBe(T);
    expect(await engine.call({ op: 'add-torrent-file', bytes })).toBe(T);
    expect(await engine.call({ op: 'get-file', infoHashHex: T, fileIndex: 2 })).toBe(blob);
    expect(await engine.call({ op: 'get-torrent-file', infoHashHex: T })).toEqual({
      blob,
      name: 'a.torrent',
    });
    expect(await engine.call({ op: 'get-shared-handles', infoHashHex: T })).toBe(handles);
    await engine.call({ op: 'resume-sharing', infoHashHex: T });
    await engine.call({ op: 'pause', infoHashHex: T });
    await engine.call({ op: 'resume', infoHashHex: T });
    await engine.call({ op: 'remove', infoHashHex: T });
    await engine.call({ op: 'choose-files', infoHashHex: T, skipped: [1] });
    await engine.call({ op: 'set-upload-limit', kib: 64 });
    await engine.call({ op: 'set-relay-only', on: true });
    expect(done).toEqual([
      ['share', [{ file, path: ['a.bin'] }], 'a.bin'],
      ['addMagnet', 'magnet:?'],
      ['addTorrentFile', bytes],
      ['getFile', T, 2],
      ['getTorrentFile', T],
      ['getSharedHandles', T],
      ['resumeSharing', T],
      ['pause', T],
      ['resume', T],
      ['remove', T],
      ['chooseFiles', T, [1]],
      ['setUploadLimit', 64],
      ['setRelayOnly', true],
    ]);
  });

  it("rejects with the bridge's error", async () => {
    const { engine } = setup();
    const failing = new LocalEngine(
      { addMagnet: () => Promise.reject(new Error('Not a magnet link or info hash')) } as never,
      { setUploadLimit: () => undefined, setRelayOnly: () => undefined },
    );
    await expect(failing.call({ op: 'add-magnet', link: 'x' })).rejects.toThrow('Not a magnet link');
    await expect(engine.call({ op: 'pause', infoHashHex: T })).resolves.toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { Call, WorkerAction } from '../../lib/messages/actions';
import { ALL_SAMPLES } from '../../lib/messages/testing/action-samples';
import { LocalEngine, type WorkerCalls } from './local-engine';

const T = 'ef'.repeat(20);

function setup() {
  const done: unknown[] = [];
  const blob = new Blob(['x']);
  const handles = [{ kind: 'file', name: 'a.bin' }];
  const added = { infoHashHex: T, name: 'a.bin' };
  const answers: Partial<Record<WorkerAction, unknown>> = {
    share: added,
    'add-magnet': added,
    'add-torrent-file': added,
    'get-file': blob,
    'get-torrent-file': { blob, name: 'a.torrent' },
    'get-shared-handles': handles,
  };
  const bridge = {
    call: (call: Call<WorkerAction>) => {
      done.push(call);
      return Promise.resolve(answers[call.op]);
    },
  } as WorkerCalls;
  const settings = {
    'set-upload-limit': ({ kib }: { kib: number }) => void done.push(['setUploadLimit', kib]),
    'set-relay-only': ({ on }: { on: boolean }) => void done.push(['setRelayOnly', on]),
  };
  return { engine: new LocalEngine(bridge, settings), done, blob, handles, added };
}

describe('LocalEngine', () => {
  it('runs each call on the bridge or the settings, with its arguments, and answers what they answer', async () => {
    const { engine, done, blob, handles, added } = setup();
    const file = new File(['a'], 'a.bin');
    const bytes = new ArrayBuffer(2);
    const workerCalls: Call[] = [
      { op: 'share', files: [{ file, path: ['a.bin'] }], name: 'a.bin' },
      { op: 'add-magnet', link: 'magnet:?' },
      { op: 'add-torrent-file', bytes },
      { op: 'get-file', infoHashHex: T, fileIndex: 2 },
      { op: 'get-torrent-file', infoHashHex: T },
      { op: 'get-shared-handles', infoHashHex: T },
    ];
    expect(await engine.call(workerCalls[0])).toBe(added);
    expect(await engine.call(workerCalls[1])).toBe(added);
    expect(await engine.call(workerCalls[2])).toBe(added);
    expect(await engine.call(workerCalls[3])).toBe(blob);
    expect(await engine.call(workerCalls[4])).toEqual({ blob, name: 'a.torrent' });
    expect(await engine.call(workerCalls[5])).toBe(handles);
    const voidCalls: Call[] = [
      { op: 'resume-sharing', infoHashHex: T },
      { op: 'pause', infoHashHex: T },
      { op: 'resume', infoHashHex: T },
      { op: 'remove', infoHashHex: T },
      { op: 'choose-files', infoHashHex: T, skipped: [1] },
    ];
    for (const call of voidCalls) await engine.call(call);
    await engine.call({ op: 'set-upload-limit', kib: 64 });
    await engine.call({ op: 'set-relay-only', on: true });
    expect(done).toEqual([...workerCalls, ...voidCalls, ['setUploadLimit', 64], ['setRelayOnly', true]]);
  });

  it("rejects with the bridge's error", async () => {
    const { engine } = setup();
    const failing = new LocalEngine(
      { call: () => Promise.reject(new Error('Not a magnet link or info hash')) } as WorkerCalls,
      { 'set-upload-limit': () => undefined, 'set-relay-only': () => undefined },
    );
    await expect(failing.call({ op: 'add-magnet', link: 'x' })).rejects.toThrow('Not a magnet link');
    await expect(engine.call({ op: 'pause', infoHashHex: T })).resolves.toBeUndefined();
  });

  it('runs every action of the table: the settings on the page, every other one in the worker', async () => {
    const { engine, done } = setup();
    for (const call of ALL_SAMPLES) await engine.call(call);
    const settings = ALL_SAMPLES.filter((call) => call.op.startsWith('set-'));
    expect(done).toHaveLength(ALL_SAMPLES.length);
    expect(done.filter((entry) => Array.isArray(entry))).toHaveLength(settings.length);
    expect(done.filter((entry) => !Array.isArray(entry))).toEqual(
      ALL_SAMPLES.filter((call) => !settings.includes(call)),
    );
  });
});

// A request that comes while the tracker's keeper process starts waits for it instead of being refused, a bounded
// while and a bounded number of them; a keeper that never becomes ready is said in words.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEEPER_DOWN, KeeperLink, MAX_WAITING_FOR_START } from './keeper-link';
import { KeeperScene, LIMITS, type TrackerAt } from './testing/keeper-scene';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

const UNKEPT = '0'.repeat(40);

async function status(at: TrackerAt): Promise<{ status: number; error: unknown }> {
  const response = await fetch(new URL(`/keep/status?infoHash=${UNKEPT}`, at.url));
  const body = (await response.json()) as { error?: unknown };
  return { status: response.status, error: body.error };
}

describe("the keeper's start", () => {
  it('a request sent as the tracker comes up waits for its keeper process and gets its answer', async () => {
    const server = await scene.tracker(await scene.folder());
    // The keeper process (tsx from the sources) is still starting: this is answered once it is ready.
    expect(await status(server)).toEqual({ status: 404, error: 'The keeper does not keep this share.' });
  });

  it('holds at most MAX_WAITING_FOR_START requests for a starting keeper; the one past them is answered at once', async () => {
    const folder = await scene.folder();
    // A keeper process that says it is ready once a file appears in its folder, and keeps no share.
    const script = join(await scene.folder(), 'ready-on-cue.mjs');
    await writeFile(
      script,
      [
        "import { existsSync } from 'node:fs';",
        'const { folder } = JSON.parse(process.env.KEEPER_CONFIG);',
        "process.on('message', (request) => process.send({ id: request.id, answer: null }));",
        'const timer = setInterval(() => {',
        '  if (!existsSync(`${folder}/ready`)) return;',
        '  clearInterval(timer);',
        '  process.send({ id: 0, answer: null });',
        '}, 20);',
      ].join('\n'),
    );
    const config = { folder, limits: LIMITS, tracker: 'ws://127.0.0.1:9/', iceServers: [] };
    const link = scene.scratch.keep(new KeeperLink(config, () => {}, script), (started) => started.close());
    const waiting = Array.from({ length: MAX_WAITING_FOR_START }, () =>
      link.ask({ op: 'status', infoHash: UNKEPT, stopToken: '' }),
    );
    expect(await link.ask({ op: 'status', infoHash: UNKEPT, stopToken: '' })).toBeUndefined();
    await writeFile(join(folder, 'ready'), '');
    // Every one that waited gets the keeper's answer (it keeps no share).
    expect(await Promise.all(waiting)).toEqual(waiting.map(() => null));
  });

  it('a keeper that never becomes ready: a request that waited for it is told so in words', async () => {
    const folder = await scene.folder();
    const script = join(await scene.folder(), 'never-ready.mjs');
    // A process that holds its IPC channel open and never says it is ready.
    await writeFile(script, 'process.on("message", () => {});\n');
    const server = await scene.tracker(folder, LIMITS, { keeper: { folder, limits: LIMITS, script } });
    expect(await status(server)).toEqual({ status: 503, error: KEEPER_DOWN });
  }, 30_000);
});

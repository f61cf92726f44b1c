// The keeper's own process, forked by the tracker (keeper-link.ts): its WebRTC, hashing and disk work never run on
// the tracker's event loop, and if it dies the tracker goes on (and starts another, which resumes from the folder).
import { Keeper, KEEPER_FAILED } from './keeper';
import type { KeeperAnswer, KeeperProcessConfig, KeeperRequest } from './keeper-messages';

/** How often shares past their expiry are looked for, in ms. */
const EXPIRY_CHECK_MS = 1_000;

async function answer(keeper: Keeper, request: KeeperRequest): Promise<KeeperAnswer> {
  switch (request.op) {
    case 'keep':
      return keeper.keep(
        Buffer.from(request.torrent, 'base64'),
        request.address,
        request.token,
        request.infoHash,
        request.proof && { ...request.proof, bytes: Buffer.from(request.proof.bytes, 'base64') },
      );
    case 'stop':
      return keeper.stop(request.infoHash, request.stopToken);
    case 'status':
      return keeper.status(request.infoHash, request.stopToken) ?? null;
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.KEEPER_CONFIG ?? '') as KeeperProcessConfig;
  const keeper = new Keeper(config);
  await keeper.resume();
  // One request at a time: two keeps of one share cannot both pass the quota check.
  let queue = Promise.resolve();
  process.on('message', (request: KeeperRequest) => {
    queue = queue.then(async () => {
      // An error's own words may hold the keeper's paths: the asker is told plain words only.
      const reply = await answer(keeper, request).catch(() => ({ ok: false, error: KEEPER_FAILED }));
      process.send?.({ id: request.id, answer: reply });
    });
  });
  setInterval(() => {
    queue = queue.then(() => keeper.expire()).catch(() => {});
  }, EXPIRY_CHECK_MS);
  process.on('disconnect', () => process.exit(0)); // the tracker is gone
  process.send?.({ id: 0, answer: { ok: true } });
}

main().catch((error: Error) => {
  console.error(`keeper: cannot start: ${error.message}`);
  process.exit(1);
});

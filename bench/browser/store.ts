// Figures 3 (verification) and 4 (storage): bench.html's worker, in a tab with a persistent profile.
import { atLeast, figure, noGoal, type Bench, type Figure } from '../lib/figure';
import { benchPage } from '../lib/app';

const PIECE = 256 * 1024;

export const storeBench: Bench = {
  name: 'store',
  figures: 'verification and storage',
  async run(context) {
    const page = await benchPage(context);
    try {
      const run = page.run;
      const verify = await run({ type: 'verify', pieceLength: PIECE, pieces: 512, inFlight: 8, rounds: 6 });
      context.log(`  verify: ${JSON.stringify(verify)}`);
      const storage = await run({ type: 'storage', pieceLength: PIECE, pieces: 256, rounds: 2 });
      context.log(`  storage: ${JSON.stringify(storage)}`);
      const raw = { name: 'raw SubtleCrypto SHA-1', value: verify.rawSubtle };
      const figures: Figure[] = [
        figure(
          'verify: hash-and-store, 256 KiB pieces',
          verify.verifyAndFile ?? null,
          'MB/s',
          raw,
          atLeast(0.8),
          'lib/hash SHA-1 + engine piece check + the piece file store (one origin-private file through a ' +
            'synchronous access handle, flushed before the verified map lands in IndexedDB), 128 MiB, 8 hashes in ' +
            `flight; into IndexedDB instead (browsers without synchronous handles): ${verify.verifyAndStore.toFixed(0)} MB/s`,
        ),
        figure(
          'verify: hash-and-store into IndexedDB, 256 KiB pieces',
          verify.verifyAndStore,
          'MB/s',
          raw,
          noGoal,
          'diagnostic: the store of browsers without synchronous handles (BatchWriter into IndexedDB)',
        ),
        figure(
          'verify: hash-and-check only, 256 KiB pieces',
          verify.verify,
          'MB/s',
          raw,
          atLeast(0.8),
          'lib/hash SHA-1 + engine piece check, same pieces, same worker',
        ),
        figure(
          'storage: write, 256 KiB pieces',
          storage.oursWrite,
          'pieces/s',
          { name: 'idb-keyval set one by one', value: storage.rawWrite },
          noGoal,
          `BatchWriter (16 per transaction) over IdbStore, 64 MiB; MB/s ours ${((storage.oursWrite * PIECE) / 1e6).toFixed(0)}, ` +
            `idb-keyval ${((storage.rawWrite * PIECE) / 1e6).toFixed(0)}`,
        ),
        figure(
          'storage: read, 256 KiB pieces',
          storage.oursRead,
          'pieces/s',
          { name: 'idb-keyval get one by one', value: storage.rawRead },
          noGoal,
          `PieceCache (reads asked together share a transaction), 8 in flight; MB/s ours ` +
            `${((storage.oursRead * PIECE) / 1e6).toFixed(0)}, idb-keyval ${((storage.rawRead * PIECE) / 1e6).toFixed(0)}`,
        ),
      ];
      return figures;
    } finally {
      await page.close();
    }
  },
};

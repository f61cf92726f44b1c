// Sharing as a hybrid: bench.html's worker shares a file through the app's share path (shareFiles, read in
// place: hashed, not stored) as a hybrid (SHA-1 pieces and the v2 SHA-256 tree, both computed) and as v1 alone
// (web/src/bench/share.ts). 1 GiB; --tiny: 64 MiB.
import { atMost, figure, type Bench } from '../lib/figure';
import { benchPage } from '../lib/app';
import { loadLabel } from '../lib/session';

export const shareBench: Bench = {
  name: 'share',
  flags: {
    '--tiny': 'smaller files: a smoke',
  },
  figures: 'a hybrid share against v1',
  async run(context) {
    const tiny = context.flags.has('--tiny');
    const request = { type: 'share', mib: tiny ? 64 : 1024, rounds: tiny ? 1 : 3 };
    const page = await benchPage(context);
    try {
      const loadAfter = loadLabel();
      const result = await page.run(request);
      const load = loadAfter();
      context.log(`  share: ${JSON.stringify(result)}; ${load}`);
      // The hashing's own floor: both hashes over every byte against SHA-1 alone, at SubtleCrypto's speeds here.
      const floor = 1 + result.sha1MBps / result.sha256MBps;
      return [
        figure(
          `share: ${request.mib} MiB as a hybrid (SHA-1 and SHA-256)`,
          result.hybridSeconds,
          's',
          { name: 'v1 alone (SHA-1)', value: result.v1Seconds },
          atMost(3),
          `shareFiles read in place (hashed, not stored), the app's piece length, best of ${request.rounds}; both ` +
            `hashes over every byte: SubtleCrypto here does SHA-1 at ${result.sha1MBps.toFixed(0)} MB/s and ` +
            `SHA-256 at ${result.sha256MBps.toFixed(0)} MB/s, so the hashing alone costs ${floor.toFixed(2)}x; ${load}`,
        ),
      ];
    } finally {
      await page.close();
    }
  },
};

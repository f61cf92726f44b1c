// The pacer's cost: a seeding uploader at 25 MB/s of 16 KiB blocks with 50 peers, each keeping 250
// requests waiting, in virtual time (shared/engine/testing/pacer-load.ts). The engine's incremental order against
// a full ranking of every waiting request per block (testing/serve-oracle.ts, the oracle its property test uses), in the same
// process, each run twice (the first warms up); both must read the same blocks in the same order. The figure is the
// CPU time to pace one second of that upload, as a ratio to the full ranking's. --tiny runs 0.1 virtual seconds.
import { atMost, figure, type Bench } from '../lib/figure';
import { PACER_LOAD, runPacerLoad, type PacerLoadResult } from '../../shared/engine/testing/pacer-load';
import { RankAllUploader } from '../../shared/engine/testing/serve-oracle';
import { Uploader } from '../../shared/engine/upload/uploader';

export const pacerBench: Bench = {
  name: 'pacer',
  flags: {
    '--tiny': '0.1 s of virtual load: a smoke',
  },
  figures: 'the upload pacer',
  async run(context) {
    const load = { ...PACER_LOAD, seconds: context.flags.has('--tiny') ? 0.1 : PACER_LOAD.seconds };
    const cpuMs = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    const measure = (make: typeof Uploader): PacerLoadResult => {
      runPacerLoad(make, load, cpuMs);
      return runPacerLoad(make, load, cpuMs);
    };
    const full = measure(RankAllUploader);
    const incremental = measure(Uploader);
    const perSecond = (r: PacerLoadResult) => r.cpuMs / load.seconds;
    context.log(
      `  pacer: ${incremental.blocks} blocks in ${load.seconds} virtual s; CPU ms per second of upload: ` +
        `incremental ${perSecond(incremental).toFixed(1)}, full ranking ${perSecond(full).toFixed(1)}`,
    );
    const same = incremental.order === full.order && incremental.blocks === full.blocks;
    return [
      figure(
        'pacer: CPU to pace 25 MB/s of 16 KiB blocks, 50 peers × 250 waiting requests',
        perSecond(incremental),
        'CPU ms/s',
        { name: 'ranking every waiting request per block (the old pacer)', value: perSecond(full) },
        atMost(0.1),
        same
          ? `the same ${incremental.blocks} blocks read in the same order; share of one core: ` +
              `${(perSecond(incremental) / 10).toFixed(2)} % against ${(perSecond(full) / 10).toFixed(1)} %`
          : 'the two orders differ: a bug in the incremental order',
      ),
    ];
  },
};

// Whether a download waits for someone who has the rest: no peer is connected, or those connected have none of the
// missing pieces the chosen files need (the seeder left), and no web server will bring them (none is in use, or each
// lacks every file still unfinished). Said in words once it has held for a while, and gone as
// soon as someone connected has a missing piece again. Pure: stats and the time in, words out.
import type { SessionStats } from '../../../../shared/engine/contract/engine-types';

/**
 * How long nobody connected must have a missing piece before the torrent says so: a download's first peers take a
 * few seconds to connect and send what they have, and a peer that leaves may be replaced at the next announce
 * answer. Well under the 20 s after which a person waiting wonders what is going on.
 */
export const STALL_GRACE_MS = 8_000;

export type StallStats = Pick<
  SessionStats,
  'state' | 'wantedPieces' | 'wantedVerified' | 'wantedReachable' | 'peers' | 'webSeeds'
>;

/** A chosen file not yet complete: what the stall words may name. */
export interface UnfinishedFile {
  index: number;
  path: string;
}

/** The chosen files not yet complete, pad files left out. */
export function unfinishedFiles(
  files: ReadonlyArray<{ path: readonly string[]; pad?: boolean }>,
  complete: readonly boolean[],
  skipped: readonly number[] = [],
): UnfinishedFile[] {
  return files.flatMap((file, index) =>
    file.pad || complete[index] || skipped.includes(index) ? [] : [{ index, path: file.path.join('/') }],
  );
}

/** The web seeds still in use, and the unfinished files every one of them has dropped (each with the first seed's
 * reason): what no server will bring. */
interface Lack {
  seeds: NonNullable<StallStats['webSeeds']>;
  lacked: Array<UnfinishedFile & { reason: string }>;
}

function lackedFiles(stats: StallStats, unfinished: readonly UnfinishedFile[]): Lack {
  const seeds = (stats.webSeeds ?? []).filter((seed) => seed.status !== 'failed');
  const lacked = unfinished.flatMap((file) => {
    const reasons = seeds.map(
      (seed) => seed.droppedFiles.find((dropped) => dropped.file === file.index)?.reason,
    );
    return seeds.length > 0 && reasons.every((reason) => reason !== undefined)
      ? [{ ...file, reason: reasons[0]! }]
      : [];
  });
  return { seeds, lacked };
}

/** A download with pieces missing that no connected peer has: whether web seeds may still bring them is asked next. */
function missingUnreached(stats: StallStats): boolean {
  return (
    stats.state === 'downloading' && stats.wantedPieces > stats.wantedVerified && stats.wantedReachable === 0
  );
}

/** No web seed may still bring what is missing: none in use, or every unfinished file dropped by every seed. */
function noSeedBrings({ seeds, lacked }: Lack, unfinished: readonly UnfinishedFile[]): boolean {
  return seeds.length === 0 || (unfinished.length > 0 && lacked.length === unfinished.length);
}

/** A download with pieces missing that no connected peer has, and no web seed that may still bring one: none in
 * use, or every unfinished file dropped by every seed in use. */
export function nobodyHasTheRest(stats: StallStats, unfinished: readonly UnfinishedFile[] = []): boolean {
  return missingUnreached(stats) && noSeedBrings(lackedFiles(stats, unfinished), unfinished);
}

/** The words: how much is missing, whether anyone is connected at all, and the files no server has, with the way
 * out (untick them). */
export function stallWords(stats: StallStats, unfinished: readonly UnfinishedFile[] = []): string {
  return wordsFor(stats, lackedFiles(stats, unfinished));
}

/** The words, from the files no server has, found once. */
function wordsFor(stats: StallStats, { lacked }: Lack): string {
  const missing = stats.wantedPieces - stats.wantedVerified;
  // Rounded, but never to 0 % or 100 % while some is missing and some is here.
  const percent =
    missing === stats.wantedPieces
      ? 100
      : Math.min(99, Math.max(1, Math.round((100 * missing) / stats.wantedPieces)));
  const rest = 'Waiting for someone who has the rest';
  if (lacked.length > 0) {
    const named = lacked.map((file) => `${file.path} (${file.reason})`).join(', ');
    const them = lacked.length === 1 ? 'it' : 'them';
    return (
      `${rest}: the web server lacks ${named}, and nobody connected has ${them}. ` +
      `Untick ${them} to finish the rest, or wait for someone who has ${them}`
    );
  }
  return stats.peers === 0
    ? `${rest}: nobody is connected, and ${percent} % is still missing`
    : `${rest}: nobody connected has the missing ${percent} %`;
}

/** Follows one torrent's stats over time (the torrent's view asks it at each publish). */
export class StallWatch {
  /** When nobody connected had the rest, since the last time someone did. */
  private since: number | undefined;

  /** The words to show now, or undefined while someone connected has a missing piece or the grace runs. */
  words(
    stats: StallStats | undefined,
    now: number,
    unfinished: readonly UnfinishedFile[] = [],
  ): string | undefined {
    // The files no server has are found once a view, for the test and for the words.
    const lack = stats && missingUnreached(stats) ? lackedFiles(stats, unfinished) : undefined;
    if (!stats || !lack || !noSeedBrings(lack, unfinished)) {
      this.since = undefined;
      return undefined;
    }
    this.since ??= now;
    return now - this.since >= STALL_GRACE_MS ? wordsFor(stats, lack) : undefined;
  }
}

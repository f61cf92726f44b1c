// Whether the others hold every piece between them: each piece is held by a connected peer (as its bitfield and
// haves say, picker/availability.ts), or a web seed known to serve serves them all. Then this node may leave and the
// swarm can still finish. Pure: asked afresh for each stats snapshot, so it is taken back as soon as a peer holding a
// piece nobody else holds leaves, or the web seed fails.
import type { SessionStats, WebSeedStats } from '../contract/engine-types';
import type { Downloader } from '../download/downloader';

/** What coverage is read from. */
export interface CoverageParts {
  pieceCount: number;
  /** Connected peers (seeds included) that hold piece `index`. */
  availability: (index: number) => number;
  /** The torrent's web seeds, as the session's stats show them. */
  webSeeds?: readonly WebSeedStats[];
}

/** A web seed that has brought bytes, has not failed, and lost no file: it serves every piece. One never asked (a
 * seeder asks none) is not counted: nothing says it answers. */
export function webSeedServesAll(seed: WebSeedStats): boolean {
  return seed.status !== 'failed' && seed.downloaded > 0 && seed.droppedFiles.length === 0;
}

/** Every piece is held by someone other than this node (false while the torrent's pieces are unknown). */
export function othersHoldEvery(parts: CoverageParts): boolean {
  const { pieceCount, availability } = parts;
  if (pieceCount === 0) return false;
  if (parts.webSeeds?.some(webSeedServesAll)) return true;
  for (let index = 0; index < pieceCount; index++) if (availability(index) === 0) return false;
  return true;
}

/** The session's stats with `othersHoldEvery` set when it holds, read from the downloader's availability. */
export function withCoverage(
  stats: SessionStats,
  downloader: Pick<Downloader, 'availability'> | undefined,
): SessionStats {
  const availability = (index: number) => downloader?.availability(index) ?? 0;
  if (!othersHoldEvery({ pieceCount: stats.pieceCount, availability, webSeeds: stats.webSeeds }))
    return stats;
  return { ...stats, othersHoldEvery: true };
}

// The torrent's web seeds as its details show them: the host, what it does, how much it sent, and what went wrong
// in words (why it is out, or which files it lost and why).
import type { SessionStats, WebSeedStats } from '../../../../shared/engine/contract/engine-types';
import type { FileEntry } from '../../../../shared/codec/metainfo';
import { webSeedHost } from '../../../../shared/codec/web-seeds';
import type { TorrentView, WebSeedRow } from '../../lib/messages/protocol';
import type { TorrentRecord } from '../storage/records';

/** The view's web seed fields: the rows, the budget the user set, and whether it is spent. */
export function webSeedParts(
  stats: Pick<SessionStats, 'webSeeds' | 'webSeedBudgetSpent'> | undefined,
  record: Pick<TorrentRecord, 'webSeedBudget'>,
  files: readonly FileEntry[],
): Pick<TorrentView, 'webSeeds' | 'webSeedBudget' | 'webSeedBudgetSpent'> {
  const seeds = stats?.webSeeds ?? [];
  if (seeds.length === 0) return {};
  const parts: Pick<TorrentView, 'webSeeds' | 'webSeedBudget' | 'webSeedBudgetSpent'> = {
    webSeeds: webSeedRows(seeds, files),
  };
  if (record.webSeedBudget !== undefined) parts.webSeedBudget = record.webSeedBudget;
  if (stats?.webSeedBudgetSpent) parts.webSeedBudgetSpent = true;
  return parts;
}

/** Files named in a problem; the rest are counted. */
const NAMED_FILES = 3;

export function webSeedRows(seeds: readonly WebSeedStats[], files: readonly FileEntry[]): WebSeedRow[] {
  return seeds.map((seed) => {
    const row: WebSeedRow = {
      url: seed.url,
      host: webSeedHost(seed.url),
      status: seed.status,
      downloaded: seed.downloaded,
    };
    const problem = seed.failure ?? droppedFiles(seed.droppedFiles, files);
    if (problem !== undefined) row.problem = problem;
    return row;
  });
}

function droppedFiles(
  dropped: WebSeedStats['droppedFiles'],
  files: readonly FileEntry[],
): string | undefined {
  if (dropped.length === 0) return undefined;
  const named = dropped
    .slice(0, NAMED_FILES)
    .map(({ file, reason }) => `${files[file]?.path.join('/') ?? `file ${file}`}: ${reason}`);
  const more = dropped.length - named.length;
  return `Not used for ${named.join('; ')}${more > 0 ? ` and ${more} more` : ''}`;
}

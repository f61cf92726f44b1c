// Piece availability travels from the worker to the page as changes, not snapshots: the worker diffs each torrent's
// availability against what it last posted, the page applies the changes to its copy.
import type { PostedView, TorrentView } from './protocol';

/**
 * Availability as posted: the whole array when a torrent first appears (or its piece count changed), else the cells
 * that changed as `[index, value, index, value, ...]`. A view whose availability did not change carries none.
 */
export type AvailabilityPatch = { full: number[] } | { changed: number[] };

/** The worker's side: what was last posted per torrent. */
export class AvailabilityDiffer {
  private readonly last = new Map<string, Int32Array>();

  /** The change since the last call for this torrent, or undefined when there is none. */
  diff(infoHashHex: string, current: ArrayLike<number>): AvailabilityPatch | undefined {
    const previous = this.last.get(infoHashHex);
    if (!previous || previous.length !== current.length) {
      this.last.set(infoHashHex, Int32Array.from(current));
      return { full: Array.from(current) };
    }
    const changed: number[] = [];
    for (let i = 0; i < current.length; i++) {
      if (previous[i] !== current[i]) {
        changed.push(i, current[i]);
        previous[i] = current[i];
      }
    }
    return changed.length > 0 ? { changed } : undefined;
  }

  /** Forgets torrents that are no longer listed (one listed again gets a full snapshot). */
  retain(listed: ReadonlySet<string>): void {
    for (const key of this.last.keys()) if (!listed.has(key)) this.last.delete(key);
  }
}

/** The availability after a patch: a new array when anything changed, else `previous` itself. */
export function applyAvailability(
  previous: readonly number[],
  patch: AvailabilityPatch | undefined,
): number[] {
  if (!patch) return previous as number[];
  if ('full' in patch) return patch.full;
  const next = previous.slice();
  for (let i = 0; i + 1 < patch.changed.length; i += 2) next[patch.changed[i]] = patch.changed[i + 1];
  return next;
}

/** The worker's side of a post: each view with its availability as a patch. */
export function toPosted(differ: AvailabilityDiffer, views: TorrentView[]): PostedView[] {
  differ.retain(new Set(views.map((v) => v.infoHashHex)));
  return views.map(({ availability, ...rest }) => {
    const patch = differ.diff(rest.infoHashHex, availability);
    return patch ? { ...rest, availability: patch } : rest;
  });
}

/** The page's side: the last availability per torrent, rebuilt into full views. */
export class AvailabilityMirror {
  private readonly current = new Map<string, number[]>();

  apply(posted: PostedView[]): TorrentView[] {
    const listed = new Set(posted.map((v) => v.infoHashHex));
    for (const key of this.current.keys()) if (!listed.has(key)) this.current.delete(key);
    return posted.map(({ availability: patch, ...rest }) => {
      const availability = applyAvailability(this.current.get(rest.infoHashHex) ?? [], patch);
      this.current.set(rest.infoHashHex, availability);
      return { ...rest, availability };
    });
  }

  /** A new worker starts from full snapshots. */
  reset(): void {
    this.current.clear();
  }
}

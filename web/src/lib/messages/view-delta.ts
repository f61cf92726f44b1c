// Torrent views travel from the worker to the page as changes, not snapshots: the worker diffs each torrent's piece
// availability and peer list against what it last posted, the page applies the changes to its copy.
import type { AvailabilityPatch, PeerRow, PeersPatch, PostedView, TorrentView } from './protocol';

export type { AvailabilityPatch, PeersPatch } from './protocol';

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

function samePeer(a: PeerRow, b: PeerRow): boolean {
  for (const key of Object.keys(a) as (keyof PeerRow)[]) if (a[key] !== b[key]) return false;
  return Object.keys(a).length === Object.keys(b).length;
}

/** The worker's side: the peers last posted per torrent. */
export class PeersDiffer {
  private readonly last = new Map<string, Map<string, PeerRow>>();

  /** The change since the last call for this torrent, or undefined when there is none. */
  diff(infoHashHex: string, peers: readonly PeerRow[]): PeersPatch | undefined {
    const previous = this.last.get(infoHashHex) ?? new Map<string, PeerRow>();
    const next = new Map<string, PeerRow>();
    const changed: PeerRow[] = [];
    for (const peer of peers) {
      next.set(peer.peer, peer);
      const before = previous.get(peer.peer);
      if (!before || !samePeer(before, peer)) changed.push(peer);
    }
    const gone = [...previous.keys()].filter((key) => !next.has(key));
    this.last.set(infoHashHex, next);
    return changed.length > 0 || gone.length > 0 ? { changed, gone } : undefined;
  }

  retain(listed: ReadonlySet<string>): void {
    for (const key of this.last.keys()) if (!listed.has(key)) this.last.delete(key);
  }
}

/** The peers after a patch, in the order they were first seen (the session's connection order). */
export function applyPeers(
  previous: Map<string, PeerRow>,
  patch: PeersPatch | undefined,
): Map<string, PeerRow> {
  if (!patch) return previous;
  const next = new Map(previous);
  for (const key of patch.gone) next.delete(key);
  for (const peer of patch.changed) next.set(peer.peer, peer);
  return next;
}

/** The worker's side of posting views: what it last posted of each torrent. */
export class ViewDiffer {
  readonly availability = new AvailabilityDiffer();
  readonly peers = new PeersDiffer();
}

/** The worker's side of a post: each view with its availability and peers as patches (absent when unchanged). */
export function toPosted(differ: ViewDiffer, views: TorrentView[]): PostedView[] {
  const listed = new Set(views.map((v) => v.infoHashHex));
  differ.availability.retain(listed);
  differ.peers.retain(listed);
  return views.map(({ availability, peerStats, ...rest }) => {
    const posted: PostedView = rest;
    const cells = differ.availability.diff(rest.infoHashHex, availability);
    if (cells) posted.availability = cells;
    const peers = differ.peers.diff(rest.infoHashHex, peerStats);
    if (peers) posted.peerStats = peers;
    return posted;
  });
}

/** The page's side: the last view, availability and peers per torrent, rebuilt into full views. */
export class ViewMirror {
  private readonly current = new Map<
    string,
    { view: TorrentView; availability: number[]; peers: Map<string, PeerRow>; list: PeerRow[] }
  >();

  /** The whole list after a post: `posted` views applied, and with `listed` (see the `torrents` message) the views
   * of the other listed torrents as they were. */
  apply(posted: PostedView[], listed?: readonly string[]): TorrentView[] {
    const order = listed ?? posted.map((v) => v.infoHashHex);
    const keep = new Set(order);
    for (const key of this.current.keys()) if (!keep.has(key)) this.current.delete(key);
    const fresh = new Map(posted.map((v) => [v.infoHashHex, v]));
    const views: TorrentView[] = [];
    for (const key of order) {
      const update = fresh.get(key);
      const view = update ? this.applyOne(update) : this.current.get(key)?.view;
      if (view) views.push(view);
    }
    return views;
  }

  private applyOne({ availability: cells, peerStats: peerPatch, ...rest }: PostedView): TorrentView {
    const before = this.current.get(rest.infoHashHex);
    const availability = applyAvailability(before?.availability ?? [], cells);
    const peers = applyPeers(before?.peers ?? new Map(), peerPatch);
    const list = before && peers === before.peers ? before.list : [...peers.values()];
    const view = { ...rest, availability, peerStats: list };
    this.current.set(rest.infoHashHex, { view, availability, peers, list });
    return view;
  }

  /** A torrent's latest view. */
  view(infoHashHex: string): TorrentView | undefined {
    return this.current.get(infoHashHex)?.view;
  }

  /** A new worker starts from full snapshots. */
  reset(): void {
    this.current.clear();
  }
}

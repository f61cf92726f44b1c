// Posts the torrent list to the page as changes: a torrent's view goes out only when it differs from the one last
// posted (its availability and peers as patches, lib/messages/view-delta.ts), with the keys of every listed torrent
// so that the page keeps the views that did not change and drops the ones no longer listed.
import type { PostedView, TorrentView, WorkerToMain } from '../../lib/messages/protocol';
import { toPosted, ViewDiffer } from '../../lib/messages/view-delta';

/** A view without its availability and peers (which the ViewDiffer follows). */
type ViewFields = Omit<PostedView, 'availability' | 'peerStats'>;

export class ViewPublisher {
  /** What the page last received of each torrent's availability and peers. */
  private readonly differ = new ViewDiffer();
  /** The rest of each torrent's view as last posted. */
  private readonly fields = new Map<string, ViewFields>();
  /** The keys last posted; none before the first post, which always goes out. */
  private listed: string[] | undefined;
  private queued = false;

  constructor(
    private readonly post: (message: WorkerToMain) => void,
    /** Every view the page lists, in its order. */
    private readonly views: () => TorrentView[],
  ) {}

  /** Posts the views that changed since the last post, if any did or the list itself changed; `force` posts the
   * list even when nothing did. */
  publish(force = false): void {
    const views = this.views();
    const listed = views.map((view) => view.infoHashHex);
    const changed = this.changes(views);
    if (!force && changed.length === 0 && sameList(listed, this.listed)) return;
    this.listed = listed;
    this.post({ type: 'torrents', torrents: changed, listed });
  }

  /** Publishes once the current task is done: milestones (metadata, first piece, completion) come from inside the
   * engine's action loop, and the page should show them before the next periodic publish. */
  publishSoon(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      this.publish();
    });
  }

  /** The views that differ from their last post, as posted; remembers them as posted. */
  private changes(views: TorrentView[]): PostedView[] {
    const listed = new Set(views.map((view) => view.infoHashHex));
    for (const key of this.fields.keys()) if (!listed.has(key)) this.fields.delete(key);
    return toPosted(this.differ, views).filter((posted) => {
      const { availability, peerStats, ...rest } = posted;
      const same = sameData(this.fields.get(rest.infoHashHex), rest);
      if (same && availability === undefined && peerStats === undefined) return false;
      // A copy: a view may hold arrays its host goes on changing in place.
      this.fields.set(rest.infoHashHex, structuredClone(rest));
      return true;
    });
  }
}

function sameList(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((key, k) => key === b[k]);
}

/** Equal as the page would receive them: the same numbers, strings and structure; a key whose value is undefined
 * counts as absent (it does not survive the trip either). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) return sameArray(a, b);
  const aKeys = definedKeys(a);
  const bKeys = definedKeys(b);
  if (aKeys.length !== bKeys.length) return false;
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  return aKeys.every((key) => sameData(aRecord[key], bRecord[key]));
}

function sameArray(a: object, b: object): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((item, k) => sameData(item, b[k]));
}

function definedKeys(value: object): string[] {
  return Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .map(([key]) => key);
}

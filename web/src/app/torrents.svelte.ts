// The torrents as the page shows them: the list the engine posts, each one's trackers and speed history, whether the
// engine is up, and the messages of what failed. Written by the engine's side (engine.svelte.ts) and the user's
// intents (app.svelte.ts); read by the components through the props App.svelte hands them.
import type { TorrentView } from '../lib/messages/protocol';
import type { TrackerStatus } from '../lib/links/trackers';
import type { DroppedTracker } from '../lib/links/tracker-screen';
import type { AddedTorrent, NotContacted } from '../lib/messages/actions';
import { afterSuccess, forListed, withError, type FieldErrors } from './field-errors';
import { finishedDownloads } from './finished';
import { notifyFinished } from './notify';
import { listedNote, listedTorrent, newShareInProgress, type Spotlight } from './spotlight';

export type { FieldErrors } from './field-errors';

export interface SpeedSample {
  t: number;
  down: number;
  up: number;
}

/** A share link the page was opened with, waiting for the user's `Download` (nothing is contacted before). */
export interface PendingLink {
  link: string;
  /** The link's `dn`, or its info hash. */
  name: string;
  infoHashHex: string;
  /** The link's `xl`, when it has one. */
  length?: number;
  /** The trackers that `Download` will announce to (each learns the user's address). */
  trackers: string[];
  /** The trackers the link names that are not contacted (lib/links/tracker-screen.ts), with why. */
  dropped: DroppedTracker[];
  /** Trackers the link names beyond those read at all. */
  unread: number;
  /** The web servers (BEP 19 `ws=`) the files may also come from, checked. */
  webSeeds: string[];
  /** Where its .torrent is fetched first (`xs=`, checked), so that it starts with nobody online. */
  exactSource?: string;
  /** A private share's key, from the link's fragment. */
  key?: string;
}

/** The trackers a link or .torrent just added named that are not contacted, for the torrent `name`. */
export interface AddedNotice extends NotContacted {
  name: string;
}

/** Samples kept for the speed chart (about two minutes at two posts a second). */
const HISTORY = 240;

export class TorrentsState {
  torrents = $state.raw<TorrentView[]>([]);
  trackers = $state.raw<Record<string, TrackerStatus[]>>({});
  history = $state.raw<Record<string, SpeedSample[]>>({});
  ready = $state(false);
  fatal = $state<string | undefined>(undefined);
  errors = $state<FieldErrors>({});
  /** Shares being hashed that the worker has not listed yet. */
  pendingShares = $state(0);
  /** The `.torrent` chosen in `Torrent to seed`, waiting for its files (its name, as shown). */
  seedTorrentName = $state<string | undefined>(undefined);
  /** A `Torrent to seed` being checked against its files. */
  seedChecking = $state(false);
  /** A link's .torrent being fetched from its web server before the torrent is listed, in words. */
  fetchingSource = $state<string | undefined>(undefined);
  /** A share link to confirm before anything is announced. */
  pendingLink = $state.raw<PendingLink | null>(null);
  /** What the last link or .torrent added named and is not contacted (null: nothing left out). */
  notContacted = $state.raw<AddedNotice | null>(null);
  /** The torrent brought into view (and focused), with what it says there. */
  spotlight = $state.raw<Spotlight | null>(null);

  /** Brings the torrent into view with the focus on it (once it is listed), saying `note` there if given. */
  show(infoHashHex: string, note?: string, focus?: Spotlight['focus']): void {
    this.spotlight = {
      infoHashHex,
      ...(note ? { note } : {}),
      ...(focus ? { focus } : {}),
      seq: (this.spotlight?.seq ?? 0) + 1,
    };
  }

  /**
   * A link already listed is not offered for download again: its item comes into view and says so. True when it
   * was listed.
   */
  showIfListed(infoHashHex: string): boolean {
    const listed = listedTorrent(this.torrents, infoHashHex);
    if (!listed) return false;
    this.show(listed.infoHashHex, listedNote(listed));
    return true;
  }

  /** A share link waiting for `Download` whose torrent the list holds (it arrives after the link is read). */
  private settlePendingLink(): void {
    if (this.pendingLink && this.showIfListed(this.pendingLink.infoHashHex)) this.pendingLink = null;
  }

  /**
   * A new list from the engine: kept, with a speed sample per torrent. A download that finished while the tab is
   * in the background says so in the title, and in a notification when `notify` (the engine tab's: one per profile).
   */
  update(torrents: TorrentView[], notify: boolean): void {
    this.announceFinished(torrents, notify);
    // A share this page started comes into view while it is prepared, however far down the list it lands.
    const started = this.pendingShares > 0 ? newShareInProgress(this.torrents, torrents) : undefined;
    this.torrents = torrents;
    if (started) this.show(started);
    this.settlePendingLink();
    const errors = forListed(
      this.errors,
      torrents.map((view) => view.infoHashHex),
    );
    if (errors !== this.errors) this.errors = errors;
    const now = Date.now();
    const history: Record<string, SpeedSample[]> = {};
    for (const view of torrents) {
      const previous = this.history[view.infoHashHex] ?? [];
      const samples =
        previous.length >= HISTORY ? previous.slice(previous.length - HISTORY + 1) : previous.slice();
      samples.push({ t: now, down: view.downloadRate, up: view.uploadRate });
      history[view.infoHashHex] = samples;
    }
    this.history = history;
  }

  /** A link or .torrent was added: says which of its trackers it does not contact, or clears the last notice. */
  added(result: AddedTorrent): void {
    this.notContacted = result.notContacted ? { name: result.name, ...result.notContacted } : null;
  }

  setTrackers(infoHashHex: string, statuses: TrackerStatus[]): void {
    this.trackers = { ...this.trackers, [infoHashHex]: statuses };
  }

  /**
   * Shows a message under a field (or the general one), replacing the field's earlier one; undefined clears it. A
   * general message `about` a torrent goes when the torrent does.
   */
  fail(field: Exclude<keyof FieldErrors, 'generalAbout'>, text: string | undefined, about?: string): void {
    this.errors = withError(this.errors, field, text, about);
  }

  dismiss(field: Exclude<keyof FieldErrors, 'generalAbout'>): void {
    this.fail(field, undefined);
  }

  /** A share or a download that worked: the earlier messages of adding one no longer apply. */
  clearErrors(): void {
    this.errors = afterSuccess(this.errors);
  }

  private announceFinished(torrents: TorrentView[], notify: boolean): void {
    for (const view of finishedDownloads(this.torrents, torrents)) {
      if (document.hidden) document.title = `Done: ${view.name} — SwarmDrop`;
      if (notify) void notifyFinished(view.name, view.infoHashHex).catch(() => undefined);
    }
  }
}

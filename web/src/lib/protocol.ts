// Messages between the main thread (UI + WebRTC) and the engine worker.
// Byte payloads travel as transferred ArrayBuffers (postMessage transfer list), never copied.
import type { AnnounceEvent, PeerStats, SessionState } from '../../../shared/engine/types';
import type { AvailabilityPatch, PeersPatch } from './view-delta';

/** A torrent as the UI shows it (posted by the worker a few times a second). */
export interface TorrentView {
  infoHashHex: string;
  name: string;
  state: SessionState;
  error?: string;
  magnet: string;
  trackers: string[];
  /** 0..100 */
  progress: number;
  length: number;
  pieceCount: number;
  have: number;
  /** Verified payload bytes received, in total over every session of this torrent (persisted across reloads). */
  downloaded: number;
  /** Payload bytes sent, in total over every session (persisted). */
  uploaded: number;
  /** The same counts for the current session only (since this page load or the last resume after an error). */
  sessionDownloaded?: number;
  sessionUploaded?: number;
  /** Bytes still to fetch, as the tracker hears it (`left`); absent while a share is being hashed. */
  left?: number;
  downloadRate: number;
  uploadRate: number;
  peers: number;
  seeds: number;
  timeLeft?: number;
  /** `chosen`: to be downloaded (a file unchecked with `Download <path>` is not). */
  files: Array<{ index: number; path: string; length: number; complete: boolean; chosen: boolean }>;
  peerStats: PeerStats[];
  /** Per piece: -1 = have, else number of connected peers that have it. */
  availability: number[];
  addedAt: number;
  /** Shared from the files on disk (read in place, not copied into the browser's storage). */
  inPlace?: boolean;
  /** Stopped until the browser may read the shared files again: the page offers `Resume sharing`. */
  resumeSharing?: boolean;
  /** Hashing progress 0..1 while a share is being created. */
  hashing?: number;
}

/** A view as the worker posts it: availability as changes since the last post (none when unchanged). */
export type PostedView = Omit<TorrentView, 'availability' | 'peerStats'> & {
  availability?: AvailabilityPatch;
  peerStats?: PeersPatch;
};

export type MainToWorker =
  | {
      type: 'share';
      requestId: number;
      /** `handle`: a persistent handle of the file (File System Access); when every file has one, the share reads
       * pieces from the files themselves instead of copying them into storage. */
      files: Array<{ file: File; path: string[]; handle?: FileSystemFileHandle }>;
      name: string;
      trackers: string[];
    }
  | { type: 'add-magnet'; requestId: number; link: string; defaultTrackers: string[] }
  | { type: 'add-torrent-file'; requestId: number; bytes: ArrayBuffer; defaultTrackers: string[] }
  | { type: 'peer-connected'; infoHashHex: string; peer: string; identities?: string[] }
  | { type: 'peer-data'; infoHashHex: string; peer: string; data: ArrayBuffer }
  | { type: 'peer-closed'; infoHashHex: string; peer: string }
  /** The peer's data channel is not draining what we send (or drained again): upload backpressure. */
  | { type: 'peer-backlog'; infoHashHex: string; peer: string; backlogged: boolean }
  | { type: 'pause'; infoHashHex: string }
  | { type: 'resume'; infoHashHex: string }
  /** Download only some files: these are skipped (not fetched, except pieces shared with chosen files). */
  | { type: 'choose-files'; infoHashHex: string; skipped: number[] }
  /** A stream (a player, a save) needs these pieces first, the first now; `seek` drops earlier wishes. */
  | { type: 'want-pieces'; infoHashHex: string; pieces: number[]; seek: boolean }
  | { type: 'remove'; infoHashHex: string }
  /** Build a Blob of one finished file (a Blob of stored piece Blobs, no whole-file copy). */
  | { type: 'get-file'; requestId: number; infoHashHex: string; fileIndex: number }
  | { type: 'get-torrent-file'; requestId: number; infoHashHex: string }
  /** The handles of a share read in place, for the page to ask the browser's permission again. */
  | { type: 'get-shared-handles'; requestId: number; infoHashHex: string }
  /** `Resume sharing`: the page has asked for permission; check the shared files and run the torrent again. */
  | { type: 'resume-sharing'; infoHashHex: string }
  /** The page is going away: announce stopped where possible, flush storage. */
  | { type: 'shutdown' };

export interface AnnounceStats {
  uploaded: number;
  downloaded: number;
  left: number;
}

export type WorkerToMain =
  /** The worker is up; `peerIdHex` is the 20-byte peer id its sessions use (announce the same one). */
  | { type: 'ready'; restored: number; peerIdHex?: string }
  | { type: 'torrents'; torrents: PostedView[] }
  /** Answer to a request (share, add-*, get-file, get-torrent-file). */
  | {
      type: 'reply';
      requestId: number;
      ok: true;
      infoHashHex?: string;
      blob?: Blob;
      name?: string;
      handles?: FileSystemFileHandle[];
    }
  | { type: 'reply'; requestId: number; ok: false; error: string }
  /** A torrent became active (added, restored, resumed): the main thread starts tracker clients for it. */
  | { type: 'torrent-active'; infoHashHex: string; trackers: string[]; stats: AnnounceStats }
  | { type: 'torrent-inactive'; infoHashHex: string; stats: AnnounceStats }
  | { type: 'send'; infoHashHex: string; peer: string; data: ArrayBuffer }
  /** The sends of one worker task, in order (see worker/send-batcher.ts): what the worker posts. */
  | { type: 'sends'; sends: Array<{ infoHashHex: string; peer: string; data: ArrayBuffer }> }
  | { type: 'close'; infoHashHex: string; peer: string; reason: string }
  | { type: 'announce'; infoHashHex: string; event?: AnnounceEvent; stats: AnnounceStats }
  | { type: 'want-peers'; infoHashHex: string; count: number };

// What a torrent's card can ask of the app (app.svelte.ts implements it), apart so that components and their tests
// name it without the app's state.
import type { TorrentView } from '../lib/messages/protocol';

/** What a torrent's row can ask (TorrentItem.svelte). */
export interface TorrentActions {
  saveFile(view: TorrentView, fileIndex: number): Promise<void>;
  saveAllToFolder(view: TorrentView): Promise<void>;
  saveAllAsZip(view: TorrentView): void;
  saveTorrentFile(view: TorrentView): Promise<void>;
  /** `Encrypted copy for a web server`: saves a private share's ciphertext, to upload where "Also at" points. */
  saveEncryptedCopy(view: TorrentView): Promise<void>;
  /** The .torrent's bytes (of ciphertext for a private share), for the keeper. */
  torrentFileBytes(view: TorrentView): Promise<Uint8Array>;
  /** One piece as the engine serves it (ciphertext for a private share), to prove to the keeper this tab holds it. */
  pieceBytes(view: TorrentView, index: number): Promise<Uint8Array>;
  chooseFile(view: TorrentView, fileIndex: number, chosen: boolean): void;
  /** `Most to fetch from web servers`: bytes, or null for no limit. */
  setWebSeedBudget(view: TorrentView, bytes: number | null): void;
  /** A player of the file changed (played, paused, sought, moved on), or closed (null). */
  playback(view: TorrentView, fileIndex: number, media: HTMLMediaElement | null): void;
  /** `Play` was pressed on the file: the engine fetches what a player reads first at once. */
  playStarting(view: TorrentView, fileIndex: number): void;
  resumeSharing(view: TorrentView): Promise<void>;
  pause(view: TorrentView): void;
  resume(view: TorrentView): void;
  remove(view: TorrentView): void;
}

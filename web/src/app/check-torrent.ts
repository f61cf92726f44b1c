// `Torrent to seed` reads the file when it is chosen: what is not a .torrent is refused then, in the same words as
// the engine's, before the person goes looking for its files.
import { parseAnyTorrent } from '../../../shared/codec/metainfo-v2';
import { TorrentTooLargeError } from '../../../shared/codec/torrent-bounds';
import { torrentFileReason } from '../lib/ui/torrent-file-reason';

const digest = (algorithm: string) => async (data: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest(algorithm, data as Uint8Array<ArrayBuffer>));

/** Why `bytes` are not a .torrent the app can seed, or undefined when they are one. */
export async function notATorrent(bytes: ArrayBuffer): Promise<string | undefined> {
  try {
    await parseAnyTorrent(new Uint8Array(bytes), { sha1: digest('SHA-1'), sha256: digest('SHA-256') });
    return undefined;
  } catch (error) {
    if (error instanceof TorrentTooLargeError) return error.message;
    const text = error instanceof Error ? error.message : String(error);
    return `Not a valid .torrent file: ${torrentFileReason(text)}`;
  }
}

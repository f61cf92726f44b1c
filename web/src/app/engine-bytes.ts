// Bytes the keeper is sent, taken from the engine: a share's .torrent and one of its pieces as the engine serves it
// (both of ciphertext for a private share), which proves to the keeper that this tab holds the share.
import type { TorrentView } from '../lib/messages/protocol';
import type { EngineLink } from './engine.svelte';

export async function torrentFileBytes(engine: EngineLink, view: TorrentView): Promise<Uint8Array> {
  const { blob } = await engine.call({ op: 'get-torrent-file', infoHashHex: view.infoHashHex });
  return new Uint8Array(await blob.arrayBuffer());
}

export async function pieceBytes(engine: EngineLink, view: TorrentView, index: number): Promise<Uint8Array> {
  return new Uint8Array(await engine.call({ op: 'read-piece', infoHashHex: view.infoHashHex, index }));
}

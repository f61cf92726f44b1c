// What the page takes out of a torrent: a finished file as a Blob, the .torrent, and the handles of the files a
// torrent is shared from in place.
import { encodeAnyTorrent } from '../../../../shared/codec/metainfo-v2';
import type { ActionRequest } from '../../lib/messages/actions';
import { storageErrorReason } from '../../lib/storage/storage';
import { fileBlob } from '../storage/file-blob';
import type { TorrentHost } from '../torrent/host';
import { ActionError } from './action-runner';
import type { ClientCore } from './client-core';

function knownHost(core: ClientCore, infoHashHex: string): TorrentHost {
  const host = core.registry.get(infoHashHex);
  if (!host) throw new ActionError('Unknown torrent');
  return host;
}

/** A complete file of a torrent, read from its stored pieces (decrypted for a private share). */
export async function getFile(core: ClientCore, message: ActionRequest<'get-file'>): Promise<Blob> {
  const host = knownHost(core, message.infoHashHex);
  const info = host.info;
  if (!info) throw new ActionError('The torrent metadata is not known yet');
  if (!host.files()[message.fileIndex]) throw new ActionError('No such file in the torrent');
  if (!host.fileComplete(message.fileIndex)) throw new ActionError('The file is not complete yet');
  try {
    const plain = await host.privateFiles();
    if (plain)
      return await fileBlob(plain.files, message.fileIndex, async (indices) => {
        const pieces = await host.pieces.readPieces(indices);
        return Promise.all(pieces.map((piece, k) => plain.decrypt(indices[k], piece)));
      });
    return await fileBlob(info, message.fileIndex, (indices) => host.pieces.readPieces(indices));
  } catch (error) {
    throw new ActionError(storageErrorReason(error));
  }
}

/** The torrent's .torrent file, with its trackers. */
export async function getTorrentFile(
  core: ClientCore,
  message: ActionRequest<'get-torrent-file'>,
): Promise<{ blob: Blob; name: string }> {
  const host = knownHost(core, message.infoHashHex);
  if (!host.info) throw new ActionError('The torrent metadata is not known yet');
  // A hybrid's piece layers go beside its info dictionary where the app has them (shares, seeded .torrents, or
  // learned from peers): those its sessions hold, else those stored.
  const held = host.v2?.pieceLayers;
  const pieceLayers =
    held && held.size > 0 ? new Map(held) : await core.storage.storedLayers(host.infoHashHex);
  const bytes = encodeAnyTorrent({
    info: host.info,
    ...(pieceLayers ? { pieceLayers } : {}),
    announce: host.record.trackers.map((tracker) => [tracker]),
    urlList: host.record.webSeeds,
  });
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-bittorrent' });
  return { blob, name: `${host.info.name}.torrent` };
}

/** One stored piece as the engine serves it to peers (ciphertext for a private share): what proves to the keeper
 * that this tab holds the share. */
export async function readPiece(
  core: ClientCore,
  message: ActionRequest<'read-piece'>,
): Promise<ArrayBuffer> {
  const host = knownHost(core, message.infoHashHex);
  if (!host.info || message.index >= host.info.pieceCount)
    throw new ActionError('No such piece in the torrent');
  try {
    const [piece] = await host.pieces.readPieces([message.index]);
    return piece;
  } catch (error) {
    throw new ActionError(storageErrorReason(error));
  }
}

/** A private share's one file as the swarm holds it (ciphertext, complete), for its owner to upload to a web server:
 * the server then holds only what the swarm holds. */
export async function getEncryptedCopy(
  core: ClientCore,
  message: ActionRequest<'get-encrypted-copy'>,
): Promise<{ blob: Blob; name: string }> {
  const host = knownHost(core, message.infoHashHex);
  const info = host.info;
  if (!host.record.private || !info || info.files.length !== 1)
    throw new ActionError('This share is not encrypted');
  try {
    const blob = await fileBlob(info, 0, (indices) => host.pieces.readPieces(indices));
    return { blob, name: info.name };
  } catch (error) {
    throw new ActionError(storageErrorReason(error));
  }
}

/** The handles of the files a torrent is shared from in place (to ask the browser's permission again). */
export function getSharedHandles(
  core: ClientCore,
  message: ActionRequest<'get-shared-handles'>,
): FileSystemFileHandle[] {
  const files = core.registry.get(message.infoHashHex)?.record.sharedFiles;
  if (!files) throw new ActionError('This torrent is not shared from files on disk');
  return files.map((ref) => ref.handle as FileSystemFileHandle);
}

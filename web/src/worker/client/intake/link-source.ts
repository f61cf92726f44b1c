// A link's exact source (`xs=`, net/exact-source.ts): the .torrent fetched before the torrent starts, taken only
// when its info hash is the link's, so that a share whose files are on a web server starts with nobody online.
// Anything else (no source, a source this tab may not ask, a failed fetch, another torrent) leaves the link to its
// peers, with the words of why for the card.
import type { MagnetLink } from '../../../../../shared/codec/magnet';
import { toHex } from '../../../../../shared/codec/hex';
import { webSeedHost } from '../../../../../shared/codec/web-seeds';
import { screenWebSeeds } from '../../../lib/links/web-seed-screen';
import { ExactSourceError, fetchExactSource } from '../../../net/exact-source';
import { exactSourceFile } from '../../../lib/links/exact-source-words';
import { v2InfoHash } from '../../v2/v2-hash';
import { ActionError } from '../action-runner';
import type { ClientCore } from '../client-core';
import { readTorrent, type ReadTorrent } from './torrent-reader';

export type LinkSource = { torrent: ReadTorrent } | { problem: string };

/** The link's .torrent from its exact source, or why not; undefined for a link that names none. */
export async function torrentFromSource(
  core: ClientCore,
  link: MagnetLink,
  defaultTrackers: readonly string[],
  pageProtocol = globalThis.location?.protocol,
): Promise<LinkSource | undefined> {
  const url = link.exactSource;
  if (url === undefined) return undefined;
  const where = `${exactSourceFile(url)} on ${webSeedHost(url)}`;
  // The same rules as the link's web seeds: not aimed at this device or network, no http:// from an https:// page.
  if (screenWebSeeds([url], defaultTrackers).length === 0)
    return { problem: `${where} is on this device or its network, which a link may not make this tab ask` };
  if (pageProtocol === 'https:' && url.startsWith('http:'))
    return { problem: `${where} is at an http:// address, which an https:// page may not read` };
  try {
    const bytes = await fetchExactSource(
      url,
      core.ctx.seedTransport ? { transport: core.ctx.seedTransport } : {},
    );
    const torrent = await readTorrent(bytes, core.ctx);
    if (!sameTorrent(link, torrent)) return { problem: `${where} is another torrent than the link's` };
    return { torrent };
  } catch (error) {
    if (error instanceof ExactSourceError) return { problem: error.message };
    if (error instanceof ActionError) return { problem: `${where}: ${error.message}` };
    throw error;
  }
}

/** Whether the fetched .torrent's info hash is the link's: its v1 hash, or a v2-only link's full v2 hash. */
function sameTorrent(link: MagnetLink, { info }: ReadTorrent): boolean {
  if (link.v2Only) {
    const v2 = v2InfoHash(info.infoBytes);
    return v2 !== undefined && toHex(v2) === link.infoHashV2Hex;
  }
  return info.infoHashHex === link.infoHashHex;
}

// What the UI shows of each connected peer: a snapshot read from the peer's parts and the downloader.
import type { Downloader } from './downloader';
import type { PeerState } from './peer';
import type { PeerStats } from './types';

/** A row per handshaken peer, and how many of them have every piece. */
export function peerStatsOf(
  peers: Iterable<PeerState>,
  downloader: Downloader | undefined,
  pieceCount: number,
  now: number,
): { peerStats: PeerStats[]; seeds: number } {
  const peerStats: PeerStats[] = [];
  let seeds = 0;
  for (const peer of peers) {
    if (!peer.handshaken) continue;
    const pieces = downloader ? downloader.peerPieces(peer.key) : 0;
    if (pieceCount > 0 && pieces === pieceCount) seeds++;
    peerStats.push({
      peer: peer.key,
      peerId: peer.peerIdHex,
      client: peer.client,
      progress: pieceCount > 0 ? pieces / pieceCount : 0,
      downloadRate: peer.down.rate(now),
      uploadRate: peer.up.rate(now),
      downloaded: peer.downloaded,
      uploaded: peer.uploaded,
      amChoking: peer.amChoking,
      amInterested: peer.amInterested,
      peerChoking: peer.peerChoking,
      peerInterested: peer.peerInterested,
      snubbed: peer.snubbed,
      piecesReceived: peer.piecesReceived,
      requestsInFlight: downloader ? downloader.outstanding(peer.key) : 0,
    });
  }
  return { peerStats, seeds };
}

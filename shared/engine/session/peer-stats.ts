// What the UI shows of a session and of each connected peer: a snapshot read from the session's rooms, the peer's
// parts and the downloader.
import { toHex } from '../../codec/hex';
import type { Downloader } from '../download/downloader';
import type { PeerState } from '../peer/peer';
import type { PeerStats, SessionState, SessionStats } from '../contract/engine-types';
import type { Uploader } from '../upload/uploader';

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
      ...requestToBlock(peer),
    });
  }
  return { peerStats, seeds };
}

function requestToBlock(peer: PeerState): { requestToBlockMs?: number } {
  const smoothed = peer.download.roundTrip.smoothed;
  return smoothed === undefined ? {} : { requestToBlockMs: Math.round(smoothed) };
}

/** Per piece: -1 when we have it, else how many connected peers have it (at most 32767). */
export function availabilityOf(downloader: Downloader | undefined, pieceCount: number): Int16Array {
  const availability = new Int16Array(pieceCount);
  if (!downloader) return availability;
  for (let i = 0; i < pieceCount; i++)
    availability[i] = downloader.have.get(i) ? -1 : Math.min(32767, downloader.availability(i));
  return availability;
}

/** What a session's statistics are read from. */
export interface SessionParts {
  state: SessionState;
  infoHash: Uint8Array;
  error: string | undefined;
  peers: Iterable<PeerState>;
  downloader: Downloader | undefined;
  uploader: Uploader | undefined;
  /** Bytes per second from every source: peers and web seeds. */
  downloadRate: number;
}

/** Seconds until the download is done at the current rate: 0 once done, unknown while nothing comes. */
function timeLeftOf(left: number, downloadRate: number): number | undefined {
  if (left === 0) return 0;
  return left > 0 && downloadRate > 0 ? left / downloadRate : undefined;
}

/** The bytes each way, the upload rate and the share ratio. */
function totalsOf(downloader: Downloader | undefined, uploader: Uploader | undefined, now: number) {
  const downloaded = downloader?.downloadedBytes ?? 0;
  const uploaded = uploader?.uploadedBytes ?? 0;
  return {
    downloaded,
    uploaded,
    uploadRate: uploader ? uploader.meter.rate(now) : 0,
    ratio: downloaded > 0 ? uploaded / downloaded : 0,
  };
}

/** The pieces the chosen files need, how many of them are verified (every piece while none is skipped), and how
 * many of the missing ones some connected peer has: none while pieces are missing says nobody connected can finish
 * the download (the page says so). */
export function wantedOf(
  downloader: Pick<Downloader, 'wanted' | 'verified' | 'availability'> | undefined,
): Pick<SessionStats, 'wantedPieces' | 'wantedVerified' | 'wantedReachable'> {
  if (!downloader) return { wantedPieces: 0, wantedVerified: 0, wantedReachable: 0 };
  const { wanted, verified } = downloader;
  let wantedPieces = 0;
  let wantedVerified = 0;
  let wantedReachable = 0;
  for (let index = 0; index < verified.pieceCount; index++) {
    if (wanted && !wanted[index]) continue;
    wantedPieces++;
    if (verified.get(index)) wantedVerified++;
    else if (downloader.availability(index) > 0) wantedReachable++;
  }
  return { wantedPieces, wantedVerified, wantedReachable };
}

/** A session's statistics (Session.stats). */
export function sessionStatsOf(parts: SessionParts, now: number): SessionStats {
  const { downloader, uploader, downloadRate } = parts;
  const info = downloader?.info;
  const pieceCount = info?.pieceCount ?? 0;
  const { peerStats, seeds } = peerStatsOf(parts.peers, downloader, pieceCount, now);
  const length = info?.length ?? 0;
  const left = downloader ? length - downloader.verified.bytes() : 0;
  const totals = totalsOf(downloader, uploader, now);
  return {
    state: parts.state,
    infoHashHex: toHex(parts.infoHash),
    name: info?.name,
    pieceCount,
    have: downloader?.verified.count ?? 0,
    ...wantedOf(downloader),
    left,
    length,
    downloaded: totals.downloaded,
    uploaded: totals.uploaded,
    downloadRate,
    uploadRate: totals.uploadRate,
    ratio: totals.ratio,
    peers: peerStats.length,
    seeds,
    timeLeft: info && timeLeftOf(left, downloadRate),
    availability: availabilityOf(downloader, pieceCount),
    peerStats,
    error: parts.error,
  };
}

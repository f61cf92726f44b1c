// The distribution-time bounds of seed 001 (Kurose & Ross, "P2P file distribution"): the least time for a server
// with upload u_s to get a file of F bytes to N clients whose slowest download is d_min, when only the server uploads
// (client-server) and when every client also uploads at u_i (peer-to-peer). Units: bytes and bytes per second give
// seconds.

export interface BoundInput {
  /** Number of clients (leechers), N >= 1. */
  peers: number;
  /** File size, bytes. */
  fileBytes: number;
  /** Server (original seed) upload, bytes/s. */
  serverUpload: number;
  /** Slowest client download, bytes/s (Infinity: no limit). */
  minDownload: number;
}

function check(input: BoundInput): void {
  const { peers, fileBytes, serverUpload, minDownload } = input;
  if (!Number.isInteger(peers) || peers < 1)
    throw new RangeError(`peers must be an integer >= 1, got ${peers}`);
  if (!(fileBytes > 0) || !Number.isFinite(fileBytes))
    throw new RangeError(`file size must be > 0, got ${fileBytes}`);
  if (!(serverUpload > 0) || !Number.isFinite(serverUpload)) {
    throw new RangeError(`server upload must be > 0, got ${serverUpload}`);
  }
  if (!(minDownload > 0)) throw new RangeError(`minimum download must be > 0, got ${minDownload}`);
}

/** D_cs = max(N·F/u_s, F/d_min). */
export function clientServerBound(input: BoundInput): number {
  check(input);
  const { peers, fileBytes, serverUpload, minDownload } = input;
  return Math.max((peers * fileBytes) / serverUpload, fileBytes / minDownload);
}

/** D_p2p = max(F/u_s, F/d_min, N·F/(u_s + Σu_i)); `peerUploads` holds the N clients' u_i. */
export function p2pBound(input: BoundInput & { peerUploads: readonly number[] }): number {
  check(input);
  const { peers, fileBytes, serverUpload, minDownload, peerUploads } = input;
  if (peerUploads.length !== peers) {
    throw new RangeError(`need one upload per peer: ${peerUploads.length} uploads for ${peers} peers`);
  }
  let sum = 0;
  for (const u of peerUploads) {
    if (!(u >= 0) || !Number.isFinite(u)) throw new RangeError(`peer upload must be >= 0, got ${u}`);
    sum += u;
  }
  return Math.max(
    fileBytes / serverUpload,
    fileBytes / minDownload,
    (peers * fileBytes) / (serverUpload + sum),
  );
}

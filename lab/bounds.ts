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

/** Peers counted by `holderStarts`: the ramp is simulated holder by holder, so N is bounded. */
export const MAX_DISCRETE_PEERS = 100_000;

export interface DiscreteInput extends BoundInput {
  peerUploads: readonly number[];
  /** Piece size, bytes: a peer can serve only whole pieces it holds (a piece is verified before it is served). */
  pieceBytes: number;
  /** One-way latency of a hop, seconds (default 0). */
  latency?: number;
}

/**
 * The earliest times at which the N peers can each hold a first whole piece (sorted): the seed sends a piece every
 * B/u_s, a peer that holds one sends a piece every B/u_i from the moment it arrived, and every piece sent goes to a
 * peer that had none (the fastest uploaders first). No schedule gets a k-th peer its first piece sooner: a piece
 * crosses a hop in B/u plus the latency, and nobody can pass on what it does not hold. With u_s = u_i and no latency
 * the number of holders doubles every piece time (plus the seed's).
 */
export function holderStarts(input: DiscreteInput): number[] {
  check(input);
  const { peers, fileBytes, serverUpload, peerUploads, pieceBytes } = input;
  const latency = input.latency ?? 0;
  if (peers > MAX_DISCRETE_PEERS) throw new RangeError(`at most ${MAX_DISCRETE_PEERS} peers, got ${peers}`);
  if (peerUploads.length !== peers) throw new RangeError('need one upload per peer');
  if (!(pieceBytes > 0) || pieceBytes > fileBytes) throw new RangeError(`invalid piece size ${pieceBytes}`);
  if (!(latency >= 0) || !Number.isFinite(latency)) throw new RangeError(`invalid latency ${latency}`);
  const uploads = [...peerUploads].sort((a, b) => b - a);
  // Senders by the time their current piece is out: [time, seconds per piece]. N is small: a sorted insert will do.
  const senders: Array<[number, number]> = [[pieceBytes / serverUpload, pieceBytes / serverUpload]];
  const starts: number[] = [];
  const insert = (entry: [number, number]) => {
    let at = senders.length;
    while (at > 0 && senders[at - 1][0] > entry[0]) at--;
    senders.splice(at, 0, entry);
  };
  while (starts.length < peers) {
    const [done, perPiece] = senders.shift() as [number, number];
    const arrived = done + latency;
    const upload = uploads[starts.length];
    starts.push(arrived);
    insert([done + perPiece, perPiece]);
    if (upload > 0) insert([arrived + pieceBytes / upload, pieceBytes / upload]);
  }
  return starts.sort((a, b) => a - b);
}

/**
 * The P2P bound for a swarm of whole pieces: every byte a peer receives was sent by the seed or by a peer, and a
 * peer sends nothing before it holds its first piece (`holderStarts`), so by time T at most
 * W(T) = u_s·T + Σ u_i·max(0, T − s_i) bytes can have been delivered; the N copies of F need W(T) ≥ N·F. With F/u_s
 * and F/d_min as in the fluid bound, the least T that meets all three is a lower bound for any schedule. It exceeds
 * the fluid bound by about the start-up: log2(N) piece times of doubling, during which most uplinks hold nothing.
 */
export function discreteP2pBound(input: DiscreteInput): number {
  const starts = holderStarts(input);
  const { peers, fileBytes, serverUpload, minDownload } = input;
  const uploads = [...input.peerUploads].sort((a, b) => b - a);
  // holderStarts hands the first pieces to the fastest uploaders first, in start order.
  const need = peers * fileBytes;
  let rate = serverUpload;
  let at = 0;
  let delivered = 0;
  let work = Infinity;
  for (let i = 0; i <= peers; i++) {
    const next = i < peers ? starts[i] : Infinity;
    if (delivered + rate * (next - at) >= need) {
      work = at + (need - delivered) / rate;
      break;
    }
    delivered += rate * (next - at);
    at = next;
    rate += uploads[i];
  }
  return Math.max(fileBytes / serverUpload, fileBytes / minDownload, work);
}

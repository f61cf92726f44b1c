// The downloader alone: fake connection ports that record what it does, and a mock wishlist that says what to ask.
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { sha1Sync } from '../../testing/sha1';
import type { WireMessage } from '../../codec/wire';
import { BLOCK_SIZE, reservedBytes, WireDecoder } from '../../codec/wire';
import { Downloader, MAX_SUSPECT_BYTES, REJECT_RETRY_MS } from './downloader';
import { FIRST_PIECE_PATIENCE_MS } from './first-piece';
import { HAVE_DELAY_MS } from './deferred-haves';
import { PeerState } from '../peer/peer';
import type { BlockRequest, PeerBlockRequest } from '../picker/block-geometry';
import type { PiecePriority } from '../picker/priorities';
import type { BlockReceipt } from '../picker/request-ledger';
import { DEFAULT_CONFIG } from '../session/session';
import { randomTorrent } from '../testing/swarm';
import { UploadQueue } from '../upload/uploader';
import { BanList } from '../verify/verify';
import type { Wishlist } from '../picker/wishlist';

// 3 pieces of 32 KiB (2 blocks each).
const torrent = randomTorrent(8, 3 * 32 * 1024, { sha1: sha1Sync, pieceLength: 32 * 1024 });
const { info } = torrent;
const piece = (index: number) =>
  torrent.data.subarray(index * info.pieceLength, (index + 1) * info.pieceLength);

/** A wishlist that hands out the blocks in `queue`, in order, and records what it is told. */
class MockWishlist implements Wishlist {
  readonly calls: string[] = [];
  queue: BlockRequest[] = [];
  interesting = new Set<string>();
  asked = new Map<string, number>();
  receipt: Partial<BlockReceipt> = {};
  released: BlockRequest[] = [];
  expired: PeerBlockRequest[] = [];
  verifiedLeaves: string[] = [];

  peerBitfield(peer: string, bitfield: Bitfield): void {
    this.calls.push(`bitfield ${peer} ${bitfield.count()}`);
  }
  peerHave(peer: string, index: number): boolean {
    this.calls.push(`have ${peer} ${index}`);
    return true;
  }
  peerHaveAll(peer: string): void {
    this.calls.push(`have-all ${peer}`);
  }
  peerGone(peer: string): BlockRequest[] {
    this.calls.push(`gone ${peer}`);
    return this.released;
  }
  /** Peers that have every piece. */
  seeds = new Set<string>();
  peerPieces(peer: string): number {
    return this.seeds.has(peer) ? info.pieceCount : 0;
  }
  availability(): number {
    return 1;
  }
  isPeerInteresting(peer: string): boolean {
    return this.interesting.has(peer);
  }
  nextRequests(peer: string, count: number): BlockRequest[] {
    const taken = this.queue.splice(0, count);
    this.asked.set(peer, (this.asked.get(peer) ?? 0) + taken.length);
    return taken;
  }
  outstanding(peer: string): number {
    return this.asked.get(peer) ?? 0;
  }
  releasePeer(peer: string): BlockRequest[] {
    this.calls.push(`release ${peer}`);
    this.asked.delete(peer);
    return this.released;
  }
  release(peer: string, request: BlockRequest, avoidUntil?: number): boolean {
    this.calls.push(`reject ${peer} ${request.index}:${request.begin} until ${avoidUntil}`);
    return true;
  }
  expire(): PeerBlockRequest[] {
    return this.expired;
  }
  receive(peer: string, index: number, begin: number): BlockReceipt {
    this.calls.push(`block ${peer} ${index}:${begin}`);
    return { expected: true, duplicate: false, cancels: [], pieceComplete: false, ...this.receipt };
  }
  pieceVerified(index: number): string[] {
    this.calls.push(`verified ${index}`);
    return this.verifiedLeaves;
  }
  priorities = new Map<number, PiecePriority>();
  deadlines = new Map<number, number>();
  get wantedMissing(): number {
    return [...this.priorities.values()].filter((p) => p !== 'skip').length;
  }
  setPriority(index: number, priority: PiecePriority): PiecePriority {
    const before = this.priorities.get(index) ?? 'normal';
    this.priorities.set(index, priority);
    return before;
  }
  setDeadline(index: number, at: number | undefined): void {
    if (at === undefined) this.deadlines.delete(index);
    else this.deadlines.set(index, at);
  }
  clearDeadlines(): void {
    this.calls.push('clear deadlines');
    this.deadlines.clear();
  }
  pieceFailed(index: number, parole?: boolean): void {
    this.calls.push(`failed ${index}${parole ? ' on parole' : ''}`);
  }
}

function setup(options: { downloading?: boolean } = {}) {
  const wishlist = new MockWishlist();
  const peers: PeerState[] = [];
  const sent: { peer: string; message: WireMessage }[] = [];
  /** Each sendRaw: the peer and the types of the messages in that one buffer. */
  const raws: { peer: string; types: string[] }[] = [];
  const closed: { peer: string; reason: string }[] = [];
  const hashed: { index: number; data: Uint8Array }[] = [];
  const storedPieces: number[] = [];
  const bans = new BanList();
  const downloading = options.downloading ?? true;
  const downloader = new Downloader(
    info,
    undefined,
    { ...DEFAULT_CONFIG, wishlist: () => wishlist },
    () => 0.5,
    bans,
    {
      peer: (key) => peers.find((p) => p.key === key),
      peerById: (hex) => peers.find((p) => p.peerIdHex === hex),
      peers: () => peers,
      send: (peer, message) => void sent.push({ peer: peer.key, message }),
      sendRaw: (peer, data) => {
        // Requests go out as one buffer of consecutive messages.
        const types: string[] = [];
        for (const item of new WireDecoder({ expectHandshake: false }).push(data)) {
          if (item.kind !== 'message') continue;
          sent.push({ peer: peer.key, message: item.message });
          types.push(item.message.type);
        }
        raws.push({ peer: peer.key, types });
      },
      close: (peer, reason) => {
        closed.push({ peer: peer.key, reason });
        peers.splice(peers.indexOf(peer), 1);
      },
      hash: (index, data) => void hashed.push({ index, data }),
      store: (index) => void storedPieces.push(index),
      downloading: () => downloading,
    },
  );
  const connect = (key: string, options: { fast?: boolean; identities?: string[]; peerId?: string } = {}) => {
    const peer = new PeerState(key, peers.length, 0, new UploadQueue(undefined, 0), options.identities);
    const reserved = reservedBytes({ fast: options.fast ?? false });
    peer.wire.accept(
      { infoHash: info.infoHash, peerId: new Uint8Array(20), reserved },
      options.peerId ?? `id-${key}`,
    );
    peers.push(peer);
    return peer;
  };
  const to = (key: string, type: WireMessage['type']) =>
    sent.filter((s) => s.peer === key && s.message.type === type).map((s) => s.message);
  return { downloader, wishlist, sent, raws, closed, hashed, storedPieces, bans, connect, to };
}

const block = (index: number, begin: number) => ({ index, begin, length: BLOCK_SIZE });

describe('Downloader', () => {
  it('becomes interested in a peer that has what the wishlist wants, and asks it once it unchokes', () => {
    const t = setup();
    const peer = t.connect('a');
    t.wishlist.interesting.add('a');
    t.wishlist.queue = [block(0, 0), block(0, BLOCK_SIZE)];
    t.downloader.onHave(peer, 0, 10);
    expect(t.to('a', 'interested')).toHaveLength(1);
    expect(t.to('a', 'request')).toEqual([]); // still choked
    peer.choke.setPeerChoking(false);
    t.downloader.onUnchoke(peer, 20);
    expect(t.to('a', 'request')).toEqual([
      { type: 'request', ...block(0, 0) },
      { type: 'request', ...block(0, BLOCK_SIZE) },
    ]);
    expect(peer.waiting).toBe(true);
  });

  it('holding no piece, asks one peer for one piece, and a second only after FIRST_PIECE_PATIENCE_MS', () => {
    const t = setup();
    const [a, b] = [t.connect('a'), t.connect('b')];
    for (const peer of [a, b]) {
      t.wishlist.interesting.add(peer.key);
      t.downloader.onHave(peer, 0, 0);
      peer.choke.setPeerChoking(false);
    }
    t.wishlist.queue = [0, 1, 2].flatMap((index) => [block(index, 0), block(index, BLOCK_SIZE)]);
    t.downloader.onUnchoke(a, 10);
    t.downloader.onUnchoke(b, 10);
    expect(t.to('a', 'request')).toHaveLength(2); // one piece's blocks, not the pipeline's 5
    expect(t.to('b', 'request')).toEqual([]); // its upload goes to a peer with nothing
    t.downloader.onUnchoke(b, 10 + FIRST_PIECE_PATIENCE_MS);
    expect(t.to('b', 'request')).toHaveLength(2);
  });

  it('is never interested while the session does not download', () => {
    const t = setup({ downloading: false });
    const peer = t.connect('a');
    t.wishlist.interesting.add('a');
    t.downloader.onHaveAll(peer, 0);
    expect(t.wishlist.calls).toEqual(['have-all a']);
    expect(t.to('a', 'interested')).toEqual([]);
  });

  it('closes a peer that says it has a piece beyond the torrent', () => {
    const t = setup();
    const peer = t.connect('a');
    t.downloader.onHave(peer, info.pieceCount, 0);
    expect(t.closed).toEqual([{ peer: 'a', reason: `have ${info.pieceCount} beyond the torrent` }]);
  });

  it('assembles a piece, has it hashed, and stores it when the digest matches', () => {
    const t = setup();
    const peer = t.connect('a');
    t.downloader.onBlock(peer, 1, 0, piece(1).subarray(0, BLOCK_SIZE), 0);
    expect(t.hashed).toEqual([]);
    t.wishlist.receipt = { pieceComplete: true };
    t.downloader.onBlock(peer, 1, BLOCK_SIZE, piece(1).subarray(BLOCK_SIZE), 0);
    expect(t.hashed.map((h) => h.index)).toEqual([1]);
    expect(t.hashed[0].data).toEqual(piece(1));
    expect(peer.downloaded).toBe(2 * BLOCK_SIZE);
    t.downloader.pieceHashed(1, sha1Sync(t.hashed[0].data));
    expect(t.storedPieces).toEqual([1]);
    expect(peer.piecesReceived).toBe(1);
    expect(t.downloader.stored(1, 0)).toBe(true);
    expect(t.downloader.verified.count).toBe(1);
    expect(t.downloader.have.get(1)).toBe(true);
    expect(t.to('a', 'have')).toEqual([{ type: 'have', index: 1 }]);
    expect(t.downloader.stored(1, 0)).toBe(false); // not being stored any more
  });

  it('shares a verified piece between the peers that sent its blocks, by the blocks each sent', () => {
    const t = setup();
    const a = t.connect('a');
    const b = t.connect('b');
    t.downloader.onBlock(a, 0, 0, piece(0).subarray(0, BLOCK_SIZE), 0);
    t.wishlist.receipt = { pieceComplete: true };
    t.downloader.onBlock(b, 0, BLOCK_SIZE, piece(0).subarray(BLOCK_SIZE), 0);
    t.downloader.pieceHashed(0, sha1Sync(t.hashed[0].data));
    expect([a.piecesReceived, b.piecesReceived]).toEqual([0.5, 0.5]);
  });

  it('counts each verified piece once in all: over random runs the shares add up to the pieces verified', () => {
    let state = 7;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    for (let run = 0; run < 20; run++) {
      const t = setup();
      const peers = ['a', 'b', 'c'].map((key) => t.connect(key));
      let verified = 0;
      for (let index = 0; index < info.pieceCount; index++) {
        // Some pieces come twice (a second copy after the first verified): counted once.
        const copies = random() < 0.3 ? 2 : 1;
        for (let copy = 0; copy < copies; copy++) {
          for (let begin = 0; begin < info.pieceLength; begin += BLOCK_SIZE) {
            t.wishlist.receipt = { pieceComplete: begin + BLOCK_SIZE >= info.pieceLength };
            const sender = peers[Math.floor(random() * peers.length)];
            t.downloader.onBlock(sender, index, begin, piece(index).subarray(begin, begin + BLOCK_SIZE), 0);
          }
          t.downloader.pieceHashed(index, sha1Sync(t.hashed[t.hashed.length - 1].data));
        }
        verified++;
      }
      const shares = peers.reduce((sum, peer) => sum + peer.piecesReceived, 0);
      expect(shares).toBeCloseTo(verified, 9);
      expect(t.storedPieces).toHaveLength(verified);
    }
  });

  it('throws a bad piece away, asks for it again, and bans the only peer that sent it', () => {
    const t = setup();
    const peer = t.connect('a');
    t.wishlist.receipt = { pieceComplete: true };
    t.downloader.onBlock(peer, 2, 0, new Uint8Array(BLOCK_SIZE), 0);
    t.downloader.pieceHashed(2, new Uint8Array(20));
    expect(t.storedPieces).toEqual([]);
    expect(t.wishlist.calls).toContain('failed 2');
    expect(t.bans.isBanned('id-a')).toBe(true);
    expect(t.closed).toEqual([{ peer: 'a', reason: 'banned: sent corrupt data' }]);
  });

  it('cancels the endgame duplicates other peers were asked for', () => {
    const t = setup();
    const a = t.connect('a');
    t.connect('b');
    t.wishlist.receipt = { cancels: [{ peer: 'b', ...block(0, 0) }] };
    t.downloader.onBlock(a, 0, 0, piece(0).subarray(0, BLOCK_SIZE), 0);
    expect(t.to('b', 'cancel')).toEqual([{ type: 'cancel', ...block(0, 0) }]);
  });

  it('hands a choking peer’s requests to others at the next flush, but not a fast peer’s', () => {
    const t = setup();
    const slow = t.connect('slow');
    const fast = t.connect('fast', { fast: true });
    const other = t.connect('other');
    for (const peer of [slow, fast, other]) {
      t.wishlist.interesting.add(peer.key);
      t.downloader.updateInterest(peer);
      peer.choke.setPeerChoking(false);
    }
    t.wishlist.released = [block(0, 0)];
    t.downloader.onChoke(fast);
    t.wishlist.queue = [block(0, 0)];
    t.downloader.flush(0);
    expect(t.to('other', 'request')).toEqual([]); // nothing released: no refill
    t.downloader.onChoke(slow);
    slow.choke.setPeerChoking(true);
    t.downloader.flush(0);
    expect(t.wishlist.calls).toEqual(['release slow']);
    expect(t.to('other', 'request')).toEqual([]); // the first unchoked peer in order takes it
    expect(t.to('fast', 'request')).toEqual([{ type: 'request', ...block(0, 0) }]);
  });

  it('does not ask a peer that rejected a block again for a second (others may take it meanwhile)', () => {
    const t = setup();
    const peer = t.connect('a');
    peer.choke.setPeerChoking(false);
    t.downloader.onReject(peer, block(1, 0), 100);
    expect(t.wishlist.calls).toEqual([`reject a 1:0 until ${100 + REJECT_RETRY_MS}`]);
  });

  it('marks a peer snubbed when nothing arrived for the snub timeout', () => {
    const t = setup();
    const peer = t.connect('a');
    t.wishlist.asked.set('a', 3);
    expect(peer.lastBlockAt).toBe(0); // connected at 0
    t.downloader.tick(DEFAULT_CONFIG.snubTimeoutMs - 1);
    expect(peer.snubbed).toBe(false);
    t.downloader.tick(DEFAULT_CONFIG.snubTimeoutMs);
    expect(peer.snubbed).toBe(true);
  });

  it('drops interest in the peers whose last needed piece was stored, in connection order', () => {
    const t = setup();
    const b = t.connect('b');
    const a = t.connect('a');
    for (const peer of [a, b]) {
      t.wishlist.interesting.add(peer.key);
      t.downloader.updateInterest(peer);
    }
    t.wishlist.receipt = { pieceComplete: true };
    t.downloader.onBlock(a, 0, 0, piece(0), 0);
    t.downloader.pieceHashed(0, sha1Sync(piece(0)));
    t.wishlist.interesting.clear();
    t.wishlist.verifiedLeaves = ['a', 'b'];
    t.downloader.stored(0, 0);
    const order = t.sent.filter((s) => s.message.type === 'not-interested').map((s) => s.peer);
    expect(order).toEqual(['b', 'a']);
  });

  it('smart ban: of two senders of a bad piece, the one whose block differs from the good copy is banned', () => {
    const t = setup();
    const honest = t.connect('honest', { identities: ['dtls:H'] });
    const saboteur = t.connect('saboteur', { identities: ['dtls:S', 'ip:203.0.113.7'] });
    const good = piece(1);
    t.downloader.onBlock(honest, 1, 0, good.subarray(0, BLOCK_SIZE), 0);
    t.wishlist.receipt = { pieceComplete: true };
    t.downloader.onBlock(saboteur, 1, BLOCK_SIZE, new Uint8Array(BLOCK_SIZE).fill(7), 0);
    t.downloader.pieceHashed(1, sha1Sync(t.hashed[0].data));
    // The piece failed: nobody can be blamed yet; it is fetched again on parole.
    expect(t.closed).toEqual([]);
    expect(t.wishlist.calls).toContain('failed 1 on parole');
    expect(t.bans.strikesOf('id-honest')).toBe(1);
    expect(t.bans.strikesOf('id-saboteur')).toBe(1);
    // The honest peer brings the whole piece: it verifies, and the saboteur's remembered block differs.
    t.downloader.onBlock(honest, 1, 0, good.subarray(0, BLOCK_SIZE), 1);
    t.downloader.onBlock(honest, 1, BLOCK_SIZE, good.subarray(BLOCK_SIZE), 1);
    t.downloader.pieceHashed(1, sha1Sync(good));
    expect(t.storedPieces).toEqual([1]);
    expect(t.closed).toEqual([{ peer: 'saboteur', reason: 'banned: sent corrupt data' }]);
    expect(t.bans.isBanned('id-saboteur')).toBe(true);
    expect(t.bans.isBanned('dtls:S')).toBe(true);
    expect(t.bans.isBanned('ip:203.0.113.7')).toBe(true);
    expect(t.bans.isBanned('id-honest', 'dtls:H')).toBe(false);
  });

  it('smart ban closes a saboteur that came back under another peer id', () => {
    const t = setup();
    const honest = t.connect('honest');
    const saboteur = t.connect('saboteur', { identities: ['dtls:S'] });
    t.downloader.onBlock(honest, 0, 0, piece(0).subarray(0, BLOCK_SIZE), 0);
    t.wishlist.receipt = { pieceComplete: true };
    t.downloader.onBlock(saboteur, 0, BLOCK_SIZE, new Uint8Array(BLOCK_SIZE), 0);
    t.downloader.pieceHashed(0, new Uint8Array(20));
    const again = t.connect('again', { identities: ['dtls:S'], peerId: 'a-new-peer-id' });
    t.downloader.onBlock(honest, 0, 0, piece(0), 1);
    t.downloader.pieceHashed(0, sha1Sync(piece(0)));
    expect(t.closed.map((c) => c.peer).sort()).toEqual([again.key, saboteur.key].sort());
    expect(t.closed.map((c) => c.peer)).not.toContain('honest');
  });

  it('keeps the blocks of failed pieces within MAX_SUSPECT_BYTES', () => {
    const t = setup();
    const a = t.connect('a');
    const b = t.connect('b');
    t.wishlist.receipt = { pieceComplete: true };
    // Far more failed pieces than the bound holds (each 32 KiB, from two senders).
    const rounds = Math.ceil(MAX_SUSPECT_BYTES / info.pieceLength) + 50;
    for (let i = 0; i < rounds; i++) {
      const index = i % info.pieceCount;
      t.downloader.onBlock(a, index, 0, new Uint8Array(BLOCK_SIZE), 0);
      t.downloader.onBlock(b, index, BLOCK_SIZE, new Uint8Array(BLOCK_SIZE), 0);
      t.downloader.pieceHashed(index, new Uint8Array(20));
    }
    expect(t.downloader.suspectedBytes).toBeLessThanOrEqual(MAX_SUSPECT_BYTES);
    expect(t.downloader.suspectedBytes).toBeGreaterThan(MAX_SUSPECT_BYTES / 2); // oldest pieces dropped whole
  });

  it('gives each piece the highest priority of the files it overlaps', () => {
    // Three files over the three 32 KiB pieces: [0, 40 KiB), [40 KiB, 50 KiB), [50 KiB, 96 KiB).
    const t = setup();
    const files = [
      { path: ['a'], length: 40 * 1024, offset: 0 },
      { path: ['b'], length: 10 * 1024, offset: 40 * 1024 },
      { path: ['c'], length: 46 * 1024, offset: 50 * 1024 },
    ];
    const downloader = new Downloader(
      { ...info, files },
      undefined,
      { ...DEFAULT_CONFIG, wishlist: () => t.wishlist },
      () => 0.5,
      t.bans,
      { ...noPorts },
    );
    downloader.setPriorities({ type: 'file-priorities', priorities: ['skip', 'high', 'skip'] });
    // Piece 0 only holds a; piece 1 holds a, b and c; piece 2 only c.
    expect([0, 1, 2].map((i) => t.wishlist.priorities.get(i))).toEqual(['skip', 'high', 'skip']);
    downloader.setPriorities({ type: 'file-priorities', priorities: ['normal', 'skip', 'skip'] });
    expect([0, 1, 2].map((i) => t.wishlist.priorities.get(i))).toEqual(['normal', 'normal', 'skip']);
    expect(() => downloader.setPriorities({ type: 'file-priorities', priorities: ['skip'] })).toThrow(
      RangeError,
    );
  });

  it('replaces deadlines on a seek and refuses pieces outside the torrent', () => {
    const t = setup();
    t.downloader.streaming.setDeadlines([{ index: 1, at: 5 }], false);
    t.downloader.streaming.setDeadlines([{ index: 2, at: 9 }], true);
    expect(t.wishlist.calls).toEqual([]); // no peers: nothing to cancel
    expect([...t.wishlist.deadlines]).toEqual([[2, 9]]);
    expect(() => t.downloader.streaming.setDeadlines([{ index: info.pieceCount, at: 1 }], false)).toThrow(
      /no piece/,
    );
  });

  describe('haves to a seed', () => {
    /** A piece assembled from `peer`, verified and stored at `now`. */
    const storePiece = (t: ReturnType<typeof setup>, peer: PeerState, index: number, now: number) => {
      t.wishlist.receipt = { pieceComplete: true };
      t.downloader.onBlock(peer, index, 0, piece(index), now);
      t.downloader.pieceHashed(index, sha1Sync(piece(index)));
      return t.downloader.stored(index, now);
    };
    const seedAndLeecher = () => {
      const t = setup();
      const seed = t.connect('seed');
      const leecher = t.connect('leecher');
      t.wishlist.seeds.add('seed');
      t.wishlist.interesting.add('seed');
      t.downloader.onHaveAll(seed, 0);
      seed.choke.setPeerChoking(false);
      return { t, seed, leecher };
    };

    it('ride in the same message as the next request batch; a peer that may lack the piece is told at once', () => {
      const { t, seed } = seedAndLeecher();
      expect(storePiece(t, seed, 0, 100)).toBe(true);
      expect(t.to('leecher', 'have')).toEqual([{ type: 'have', index: 0 }]);
      expect(t.to('seed', 'have')).toEqual([]);
      t.raws.length = 0;
      t.wishlist.queue = [block(1, 0), block(1, BLOCK_SIZE)];
      t.wishlist.receipt = {};
      t.downloader.onUnchoke(seed, 200);
      expect(t.raws).toEqual([{ peer: 'seed', types: ['have', 'request', 'request'] }]);
      expect(t.to('seed', 'have')).toEqual([{ type: 'have', index: 0 }]);
    });

    it('go on the tick HAVE_DELAY_MS after, all in one message, when no batch carried them', () => {
      const { t, seed } = seedAndLeecher();
      t.wishlist.asked.set('seed', 100); // a full pipeline: no batch goes out
      storePiece(t, seed, 0, 100);
      storePiece(t, seed, 1, 300);
      t.downloader.tick(100 + HAVE_DELAY_MS - 1);
      expect(t.to('seed', 'have')).toEqual([]);
      t.raws.length = 0;
      t.downloader.tick(100 + HAVE_DELAY_MS);
      expect(t.raws).toEqual([{ peer: 'seed', types: ['have', 'have'] }]);
      t.downloader.tick(100 + 2 * HAVE_DELAY_MS);
      expect(t.to('seed', 'have')).toHaveLength(2); // each once
    });

    it('go at once to a seed that chokes us: no request batch would carry them', () => {
      const { t, seed } = seedAndLeecher();
      seed.choke.setPeerChoking(true);
      storePiece(t, seed, 0, 0);
      expect(t.to('seed', 'have')).toEqual([{ type: 'have', index: 0 }]);
    });

    it('go at once with the last piece: the seed learns we are done', () => {
      const { t, seed } = seedAndLeecher();
      t.wishlist.asked.set('seed', 100);
      storePiece(t, seed, 0, 0);
      storePiece(t, seed, 1, 0);
      t.raws.length = 0;
      storePiece(t, seed, 2, 0);
      expect(t.raws.filter((raw) => raw.peer === 'seed')).toEqual([
        { peer: 'seed', types: ['have', 'have', 'have'] },
      ]);
    });

    it('are forgotten with the seed', () => {
      const { t, seed } = seedAndLeecher();
      t.wishlist.asked.set('seed', 100);
      storePiece(t, seed, 0, 0);
      t.downloader.peerGone(seed);
      t.downloader.tick(HAVE_DELAY_MS);
      expect(t.to('seed', 'have')).toEqual([]);
    });
  });

  it('on a seek, cancels what each peer was asked for the old position, so the new window goes first', () => {
    const t = setup();
    t.connect('a');
    t.connect('b');
    t.wishlist.released = [block(0, 0), block(0, BLOCK_SIZE)];
    t.downloader.streaming.setDeadlines([{ index: 1, at: 5 }], false); // not a seek: nothing cancelled
    expect(t.to('a', 'cancel')).toEqual([]);
    t.downloader.streaming.setDeadlines([{ index: 2, at: 9 }], true);
    expect(t.wishlist.calls).toEqual(['release a', 'release b']);
    for (const peer of ['a', 'b'])
      expect(t.to(peer, 'cancel')).toEqual([
        { type: 'cancel', ...block(0, 0) },
        { type: 'cancel', ...block(0, BLOCK_SIZE) },
      ]);
  });
});

const noPorts = {
  peer: () => undefined,
  peerById: () => undefined,
  peers: () => [],
  send: () => undefined,
  sendRaw: () => undefined,
  close: () => undefined,
  hash: () => undefined,
  store: () => undefined,
  downloading: () => true,
};

// A Node peer on WebRTC (node-datachannel, through bittorrent-tracker's client and webrtc-polyfill) that a tab finds
// through the tracker and that serves it one info dictionary by ut_metadata (BEP 9), whatever it describes: what a
// stranger answering a magnet link can send. It speaks the wire with the repo's own codec and never serves a piece.
import Client, { type SignalPeer } from 'bittorrent-tracker';
import {
  decodeExtendedHandshake,
  decodeMetadataMessage,
  encodeExtendedHandshake,
  encodeMetadataMessage,
  METADATA_PIECE_SIZE,
} from '../shared/codec/extension';
import { toHex } from '../shared/codec/hex';
import {
  encodeHandshake,
  encodeMessage,
  reservedBytes,
  WireDecoder,
  type WireItem,
} from '../shared/codec/wire';
import { fireEndOfCandidates } from '../signal-tracker/src/webrtc-test-shim';

/** The ut_metadata id this peer receives requests under. */
const UT_METADATA = 3;

export interface MetadataPeer {
  /** Metadata pieces sent, to every tab together. */
  readonly served: () => number;
  stop(): Promise<void>;
}

/**
 * Announces `infoHash` (20 bytes: a btmh link's truncated hash) as a seeder on `tracker` and serves `infoBytes` to
 * every tab whose offer the tracker relays to it.
 */
export function serveMetadata(tracker: string, infoHash: Uint8Array, infoBytes: Uint8Array): MetadataPeer {
  fireEndOfCandidates();
  const peerId = randomId();
  let served = 0;
  const client = new Client({
    infoHash: toHex(infoHash),
    peerId: toHex(peerId),
    announce: [tracker],
    port: 6881,
    rtcConfig: { iceServers: [] }, // loopback host candidates only
    getAnnounceOpts: () => ({ numwant: 0, left: 0, uploaded: 0, downloaded: 0 }),
  });
  client.on('warning', () => {});
  client.on('error', () => {});
  client.on('peer', (peer: SignalPeer) => {
    peer.on('error', () => {});
    const speak = () => speakTo(peer, { infoHash, peerId, infoBytes, onServed: () => void served++ });
    if (peer.connected) speak();
    else peer.once('connect', speak);
  });
  client.start();
  return {
    served: () => served,
    stop: () => new Promise<void>((resolve) => client.destroy(() => resolve())),
  };
}

/** A peer id of this test peer: its client prefix, then random bytes. */
function randomId(): Uint8Array {
  const id = crypto.getRandomValues(new Uint8Array(20));
  id.set(new TextEncoder().encode('-NM0001-'));
  return id;
}

/** The wire to one tab: handshakes, then an answer to each ut_metadata request. */
function speakTo(
  peer: SignalPeer,
  own: { infoHash: Uint8Array; peerId: Uint8Array; infoBytes: Uint8Array; onServed: () => void },
): void {
  const decoder = new WireDecoder({ expectHandshake: true });
  let theirs: number | undefined;
  const send = (bytes: Uint8Array) => peer.send(bytes);
  send(
    encodeHandshake({
      infoHash: own.infoHash,
      peerId: own.peerId,
      reserved: reservedBytes({ extended: true, v2: true }),
    }),
  );
  const handshake = encodeExtendedHandshake({
    m: { ut_metadata: UT_METADATA },
    metadataSize: own.infoBytes.length,
  });
  send(encodeMessage({ type: 'extended', id: 0, payload: handshake }));
  const onItem = (item: WireItem) => {
    if (item.kind !== 'message' || item.message.type !== 'extended') return;
    const { id, payload } = item.message;
    if (id === 0) theirs = decodeExtendedHandshake(payload).m.ut_metadata;
    if (id !== UT_METADATA || theirs === undefined) return;
    const request = decodeMetadataMessage(payload);
    if (request.msgType !== 'request') return;
    const start = request.piece * METADATA_PIECE_SIZE;
    const data = own.infoBytes.subarray(start, start + METADATA_PIECE_SIZE);
    const answer = encodeMetadataMessage({
      msgType: 'data',
      piece: request.piece,
      totalSize: own.infoBytes.length,
      data,
    });
    send(encodeMessage({ type: 'extended', id: theirs, payload: answer }));
    own.onServed();
  };
  peer.on('data', (chunk: Uint8Array) => {
    try {
      for (const item of decoder.push(new Uint8Array(chunk))) onItem(item);
    } catch {
      peer.destroy(); // the tab closed its side mid-message, or sent what the codec refuses
    }
  });
}

// The proof that a keep request comes from a holder of the share's data, not only of its .torrent (which any member
// of its swarm has): the keeper answers a request without one with a challenge, a nonce naming one piece, and takes
// the request only with that piece's whole bytes, which must hash to the piece's hash in the torrent. The nonce is
// an HMAC under a secret of the keeper's process over the info hash and a time bucket: checked at once, valid for
// one to two buckets, and nothing is kept per request.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { blockHashes, nodeHash, sha1Sync } from '../../../node-host/hashing';
import type { TorrentSource } from '../../../node-host/torrent-source';
import { pieceSize } from '../../../shared/codec/metainfo';
import { PieceLayers } from '../../../shared/engine/v2/piece-layers';
import { digestMatches } from '../../../shared/engine/verify/verify';

/** How long one challenge bucket lasts, in ms: a nonce is taken in its bucket and the next. */
export const CHALLENGE_BUCKET_MS = 2 * 60_000;
/** The largest piece a proof carries: in base64 with the .torrent it stays within the /keep body's 2 MiB. */
export const MAX_PROOF_PIECE_BYTES = 1024 * 1024;

export const PIECES_TOO_LARGE = 'The keeper keeps shares with pieces of at most 1 MB.';
export const PROOF_NEEDED =
  'The keeper keeps a share only for a holder of its data: send the piece it names.';
export const PROOF_STALE = 'That proof is not one the keeper asked for lately: send the piece it names now.';
export const PROOF_WRONG = 'Those bytes are not the piece the keeper asked for: it keeps only what you hold.';
export const PROOF_UNCHECKABLE = 'The keeper cannot check this share: its torrent lacks piece layers.';

/** What the keeper asks for: the bytes of piece `piece`, sent back with `nonce`. */
export interface Challenge {
  nonce: string;
  piece: number;
}

export interface KeepProof extends Challenge {
  bytes: Uint8Array;
}

/** The piece a MAC names: its first six bytes, modulo the share's pieces. */
const pieceOfMac = (mac: Buffer, pieceCount: number): number => mac.readUIntBE(0, 6) % pieceCount;

export class KeepProofs {
  constructor(
    private readonly secret: Uint8Array = randomBytes(32),
    private readonly now: () => number = Date.now,
  ) {}

  /** The challenge for `infoHash` (hex) now. */
  challenge(infoHash: string, pieceCount: number): Challenge {
    const bucket = Math.floor(this.now() / CHALLENGE_BUCKET_MS);
    const mac = this.mac(infoHash, bucket);
    return { nonce: `${bucket}.${mac.toString('hex')}`, piece: pieceOfMac(mac, pieceCount) };
  }

  /** Why `proof` does not prove `source`'s data is held, or undefined when it does. */
  refusal(source: TorrentSource, proof: KeepProof | undefined): string | undefined {
    const { info } = source;
    if (info.pieceLength > MAX_PROOF_PIECE_BYTES) return PIECES_TOO_LARGE;
    if (!proof) return PROOF_NEEDED;
    const mac = this.ownMac(info.infoHashHex, proof.nonce);
    if (!mac) return PROOF_STALE;
    if (proof.piece !== pieceOfMac(mac, info.pieceCount)) return PROOF_WRONG;
    const verdict = pieceMatches(source, proof.piece, proof.bytes);
    if (verdict === undefined) return PROOF_UNCHECKABLE;
    return verdict ? undefined : PROOF_WRONG;
  }

  private mac(infoHash: string, bucket: number): Buffer {
    return createHmac('sha256', this.secret).update(`${infoHash}:${bucket}`).digest();
  }

  /** The MAC of a nonce this process made for `infoHash` in this bucket or the last, else undefined. */
  private ownMac(infoHash: string, nonce: string): Buffer | undefined {
    const [bucketText, macHex = ''] = nonce.split('.');
    const bucket = Number(bucketText);
    const current = Math.floor(this.now() / CHALLENGE_BUCKET_MS);
    if (!Number.isSafeInteger(bucket) || bucket > current || bucket < current - 1) return undefined;
    const mac = this.mac(infoHash, bucket);
    const given = Buffer.from(macHex, 'hex');
    return given.length === mac.length && timingSafeEqual(given, mac) ? mac : undefined;
  }
}

/** Whether `bytes` are piece `index` of `source` as its engine serves it; undefined when the torrent cannot tell (a
 * v2-only torrent without that piece's layer). */
export function pieceMatches(source: TorrentSource, index: number, bytes: Uint8Array): boolean | undefined {
  const { info } = source;
  if (!Number.isSafeInteger(index) || index < 0 || index >= info.pieceCount) return false;
  if (bytes.length !== pieceSize(info, index)) return false;
  if (info.pieces.length > 0) return digestMatches(info.pieces, index, sha1Sync(bytes));
  if (!source.v2) return false;
  const layers = new PieceLayers(source.v2.info, source.v2.pieceLayers ?? new Map(), nodeHash);
  const covered = layers.treeBytes(index);
  if (covered === undefined) return undefined;
  return layers.checkDigests(index, blockHashes(bytes.subarray(0, covered)));
}

/** A keep without a good proof: its refusal, with a fresh challenge when a proof may still be sent. */
export type ProofAnswer = { ok: false; error: string; challenge?: Challenge };

/** The answer to a keep whose `proof` does not prove `source`'s data is held, or undefined when it does. */
export function proofAnswer(
  proofs: KeepProofs,
  source: TorrentSource,
  proof: KeepProof | undefined,
): ProofAnswer | undefined {
  const error = proofs.refusal(source, proof);
  if (error === undefined) return undefined;
  if (error !== PROOF_NEEDED && error !== PROOF_STALE) return { ok: false, error };
  return { ok: false, error, challenge: proofs.challenge(source.info.infoHashHex, source.info.pieceCount) };
}

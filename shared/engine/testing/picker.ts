// Helpers for the piece picker's tests (picker.test.ts and the tests of its parts beside them).
import { expect } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import type { BlockRequest } from '../picker/block-geometry';
import { PiecePicker } from '../picker/picker';
import { VerifiedPieces } from '../verify/verified-pieces';
import type { PickerOptions } from '../picker/wishlist';
import { mulberry32 } from './random';

export const KIB16 = 16384;

export function field(length: number, indices: Iterable<number>): Bitfield {
  const bits = new Bitfield(length);
  for (const i of indices) bits.set(i);
  return bits;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** The owner of each picker's verified pieces (what Downloader.stored writes). */
const owners = new WeakMap<PiecePicker, VerifiedPieces>();

/** A picker whose verified pieces start from `have` (a bitfield, or the owner itself). */
export function newPicker(
  options: Omit<PickerOptions, 'have'> & { have?: Bitfield | VerifiedPieces },
): PiecePicker {
  const sizes = {
    pieceCount: options.pieceCount,
    pieceLength: options.pieceLength,
    length: options.totalLength,
  };
  const have =
    options.have instanceof VerifiedPieces ? options.have : new VerifiedPieces(sizes, options.have);
  const p = new PiecePicker({ ...options, have });
  owners.set(p, have);
  return p;
}

/** Records the piece as verified and tells the picker, as Downloader.stored does. */
export function verify(p: PiecePicker, index: number): string[] {
  owners.get(p)!.add(index);
  return p.pieceVerified(index);
}

export function picker(
  options: Omit<Partial<PickerOptions>, 'have'> & { pieceCount: number; seed?: number; have?: Bitfield },
): PiecePicker {
  const pieceLength = options.pieceLength ?? 4 * KIB16;
  return newPicker({
    pieceLength,
    totalLength: options.pieceCount * pieceLength,
    random: mulberry32(options.seed ?? 1),
    randomFirstPieces: 0,
    ...options,
  });
}

/** Does `bits` hold a piece `have` lacks? (the scan that the picker's interest counter replaces) */
export function hasAnyMissing(bits: Bitfield, have: { get(index: number): boolean }): boolean {
  for (let i = 0; i < bits.length; i++) if (bits.get(i) && !have.get(i)) return true;
  return false;
}

/** Reports `bits` for a new peer and asks whether it is interesting. */
export function interesting(p: PiecePicker, peer: string, bits: Bitfield): boolean {
  p.peerBitfield(peer, bits);
  return p.isPeerInteresting(peer);
}

export const pieces = (requests: BlockRequest[]): number[] => [...new Set(requests.map((r) => r.index))];

/** Delivers every request in `requests` from `peer`, verifying the pieces that complete. */
export function deliver(p: PiecePicker, peer: string, requests: BlockRequest[]): number[] {
  const completed: number[] = [];
  for (const r of requests) {
    const result = p.blockReceived(peer, r.index, r.begin, r.length);
    expect(result.expected).toBe(true);
    if (result.pieceComplete) {
      verify(p, r.index);
      completed.push(r.index);
    }
  }
  return completed;
}

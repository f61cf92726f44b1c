import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../wire';
import {
  PACE_SILENCE_MS,
  PACE_WINDOW_MS,
  SERVE_PATIENCE_MS,
  paceWindow,
  pickServe,
  UploadPacer,
  type ServeCandidate,
} from './pacer';

const offer = (over: Partial<ServeCandidate> = {}): ServeCandidate => ({
  sent: 0,
  peerPieces: 0,
  copies: 0,
  peerUploaded: 0,
  waitedMs: 0,
  ...over,
});

describe('upload pacing', () => {
  it('lets the transport hold PACE_WINDOW_MS at the measured rate, at least one block', () => {
    expect(paceWindow(0)).toBe(BLOCK_SIZE);
    expect(paceWindow(Number.NaN)).toBe(BLOCK_SIZE);
    const fast = 100 * BLOCK_SIZE;
    expect(paceWindow(fast)).toBe((fast * PACE_WINDOW_MS) / 1000);
  });

  it('is off until the adapter reports, and off again after PACE_SILENCE_MS without a report', () => {
    const pacer = new UploadPacer();
    expect(pacer.paced(0)).toBe(false);
    pacer.report(0, 1000);
    expect(pacer.paced(1000)).toBe(true);
    expect(pacer.paced(1000 + PACE_SILENCE_MS - 1)).toBe(true);
    expect(pacer.paced(1000 + PACE_SILENCE_MS)).toBe(false);
  });

  it('counts what the transport holds, the blocks sent since, and the reads under way against the window', () => {
    const pacer = new UploadPacer();
    pacer.report(0, 0);
    expect(pacer.room(0, 0)).toBe(BLOCK_SIZE);
    expect(pacer.room(0, BLOCK_SIZE)).toBe(0);
    pacer.sent(BLOCK_SIZE);
    expect(pacer.queuedBytes).toBe(BLOCK_SIZE);
    expect(pacer.room(0, 0)).toBe(0);
    pacer.report(100, 10); // the transport sent most of it
    expect(pacer.room(0, 0)).toBe(BLOCK_SIZE - 100);
  });

  it('ignores a nonsensical report', () => {
    const pacer = new UploadPacer();
    pacer.report(-1, 0);
    pacer.report(Number.NaN, 0);
    pacer.report(Infinity, 0);
    expect(pacer.paced(0)).toBe(false);
  });
});

describe('which waiting request goes out next', () => {
  it('the piece sent least first (a seed sends each piece once before repeating)', () => {
    expect(pickServe([offer({ sent: 2 }), offer({ sent: 1, peerPieces: 9, copies: 9 })])).toBe(1);
  });

  it('then the peer with fewest pieces, then the rarest piece, then the peer sent least', () => {
    expect(pickServe([offer({ peerPieces: 3 }), offer({ peerPieces: 0, copies: 5 })])).toBe(1);
    expect(pickServe([offer({ copies: 4 }), offer({ copies: 1, peerUploaded: 1e6 })])).toBe(1);
    expect(pickServe([offer({ peerUploaded: 10 }), offer({ peerUploaded: 5 })])).toBe(1);
  });

  it('a request that waited SERVE_PATIENCE_MS goes first, the longest waiting of those first', () => {
    const late = offer({ sent: 9, peerPieces: 9, copies: 9, waitedMs: SERVE_PATIENCE_MS });
    expect(pickServe([offer(), late])).toBe(1);
    expect(pickServe([late, offer({ waitedMs: SERVE_PATIENCE_MS + 1 })])).toBe(1);
    expect(pickServe([offer({ waitedMs: SERVE_PATIENCE_MS - 1, sent: 1 }), offer()])).toBe(1);
  });

  it('keeps the oldest of equals, and has nothing to pick from nothing', () => {
    expect(pickServe([offer(), offer(), offer()])).toBe(0);
    expect(pickServe([])).toBe(-1);
  });
});

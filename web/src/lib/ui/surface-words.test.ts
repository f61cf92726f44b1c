import { describe, expect, it } from 'vitest';
import { torrentView } from '../../components/testing/views';
import { chosenDone, contentLength, sizeText, statusSentence } from './surface-words';
import { statusText } from './format';

const MiB = 1024 * 1024;
const file = (index: number, complete: boolean, chosen = true) => ({
  index,
  path: `f${index}.bin`,
  length: MiB,
  complete,
  chosen,
});

describe('surface words', () => {
  it('sizes a torrent by its files, never by the pad bytes in its length', () => {
    const view = torrentView({ length: 2 * MiB + 12_345, files: [file(0, true), file(1, true)] });
    expect(contentLength(view)).toBe(2 * MiB);
    expect(sizeText(view)).toBe('2.00 MiB');
    expect(sizeText(torrentView({ length: 0, pieceCount: 0, files: [] }))).toBeUndefined();
  });

  it('says a share being hashed is being prepared, not looked for', () => {
    expect(statusSentence(torrentView({ hashing: 0.42, files: [] }))).toBe(
      'Preparing 2.00 MiB to share: 42% read.',
    );
  });

  it('says a download in people and time left', () => {
    expect(statusSentence(torrentView({ peers: 2, timeLeft: 65 }))).toBe(
      '50% of 2.00 MiB done, from 2 people sharing it, 1 min 05 s left.',
    );
    expect(statusSentence(torrentView({ peers: 1, timeLeft: undefined }))).toBe(
      '50% of 2.00 MiB done, from 1 person sharing it.',
    );
  });

  it('says the chosen files are done when some were left out, and done when all are here', () => {
    const partial = torrentView({
      state: 'seeding',
      peers: 0,
      files: [file(0, true), file(1, false, false)],
    });
    expect(chosenDone(partial)).toBe(true);
    expect(statusSentence(partial)).toBe('The files you chose are done (1 of 2).');
    const whole = torrentView({ state: 'seeding', peers: 3, files: [file(0, true), file(1, true)] });
    expect(chosenDone(whole)).toBe(false);
    expect(statusSentence(whole)).toBe('Done: 2.00 MiB, shared with 3 people.');
  });

  it('says a download waiting for room goes on by itself, and any other error that it stopped', () => {
    const waiting = torrentView({ state: 'error', error: 'Waiting for storage: storage quota exceeded' });
    expect(statusText(waiting)).toBe('Error: Waiting for storage: storage quota exceeded');
    expect(statusSentence(waiting)).toBe(
      'No room to store more, at 50% of 2.00 MiB: it goes on once there is room.',
    );
    expect(statusSentence(torrentView({ state: 'error', error: 'hashing failed: x' }))).toBe(
      'It stopped on an error.',
    );
  });
});

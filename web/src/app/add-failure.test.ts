import { describe, expect, it } from 'vitest';
import { addFailure } from './add-failure';

describe('the words of a link not added', () => {
  it('names what the user gave when it is no link', () => {
    expect(addFailure('share link', 'Not a magnet link or info hash')).toBe(
      'Invalid share link: Not a magnet link or info hash',
    );
    expect(addFailure('magnet link', 'Not a magnet link or info hash')).toBe(
      'Invalid magnet link or info hash: Not a magnet link or info hash',
    );
  });

  it('says a full browser as it is, and a storage failure as no typo', () => {
    expect(addFailure('magnet link', 'Not enough storage: 2 GiB needed')).toBe(
      'Not enough storage: 2 GiB needed',
    );
    expect(addFailure('share link', 'storage failed: disk I/O')).toBe(
      'Could not add this torrent: storage failed: disk I/O',
    );
  });
});

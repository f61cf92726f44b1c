import { describe, expect, it } from 'vitest';
import { exactSourceFile, fetchingWords } from './exact-source-words';

const URL_ = 'https://files.example.org/share/Photos%202024.torrent';

describe('exactSourceFile', () => {
  it('names the file by the last part of its path, decoded', () => {
    expect(exactSourceFile(URL_)).toBe('Photos 2024.torrent');
    expect(exactSourceFile('https://h.example/a%ZZ.torrent')).toBe('a%ZZ.torrent');
  });
});

describe('fetchingWords', () => {
  it('names the .torrent a link fetches first and its server, and nothing for a link without one', () => {
    const hash = 'ab'.repeat(20);
    expect(fetchingWords(`magnet:?xt=urn:btih:${hash}&xs=${encodeURIComponent(URL_)}`)).toBe(
      'Fetching Photos 2024.torrent from files.example.org…',
    );
    expect(fetchingWords(`magnet:?xt=urn:btih:${hash}`)).toBeUndefined();
    expect(fetchingWords('not a link')).toBeUndefined();
  });
});

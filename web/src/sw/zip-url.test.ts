import { describe, expect, it } from 'vitest';
import { parseZipUrl, zipUrl } from './zip-url';

const HASH = 'ab'.repeat(20);

describe('zip URL', () => {
  it('round-trips the torrent, the name and the files', () => {
    const url = new URL(zipUrl(HASH, 'my album é', [0, 2, 5]), 'https://app.example');
    expect(parseZipUrl(url.pathname, url.searchParams)).toEqual({
      infoHashHex: HASH,
      name: 'my album é',
      fileIndices: [0, 2, 5],
    });
  });

  it('refuses other paths, no files, repeated files and bad escapes', () => {
    const parse = (path: string, files: string) => parseZipUrl(path, new URLSearchParams({ files }));
    expect(parse(`/files/${HASH}/0/a.zip`, '0')).toBeNull();
    expect(parse(`/zip/${HASH}/a.zip`, '')).toBeNull();
    expect(parse(`/zip/${HASH}/a.zip`, '1,1')).toBeNull();
    expect(parse(`/zip/${HASH}/a.zip`, '1,x')).toBeNull();
    expect(parse(`/zip/${HASH}/%E0%A4.zip`, '1')).toBeNull();
  });
});

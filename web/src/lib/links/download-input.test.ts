import { describe, expect, it } from 'vitest';
import { readDownloadInput } from './download-input';
import { shareLink } from './share-link';

const hash = 'ab'.repeat(20);
const magnet = `magnet:?xt=urn:btih:${hash}&dn=holiday%20photos&tr=wss%3A%2F%2Ft.example%2Fannounce`;
const key = 'A'.repeat(42) + 'E';

describe('the download field', () => {
  it('takes the share link the app copies, its magnet link inside', () => {
    expect(readDownloadInput(shareLink('http://192.168.1.20:8000', magnet))).toEqual({
      kind: 'share link',
      link: magnet,
    });
  });

  it("takes a private share's link with its key, and tells a damaged key from none", () => {
    expect(readDownloadInput(`  ${shareLink('https://drop.example', magnet, key)}\n`)).toEqual({
      kind: 'share link',
      link: magnet,
      key,
    });
    expect(readDownloadInput(shareLink('https://drop.example', magnet, key.slice(0, 30)))).toEqual({
      kind: 'share link',
      link: magnet,
      badKey: true,
    });
  });

  it('takes a share link naming an info hash alone', () => {
    expect(readDownloadInput(`https://drop.example/#${hash.toUpperCase()}`)).toEqual({
      kind: 'share link',
      link: hash.toUpperCase(),
    });
  });

  it('takes magnet links and info hashes as they are', () => {
    expect(readDownloadInput(magnet)).toEqual({ kind: 'magnet link', link: magnet });
    expect(readDownloadInput(hash)).toEqual({ kind: 'info hash', link: hash });
    expect(readDownloadInput('cd'.repeat(32))).toEqual({ kind: 'info hash', link: 'cd'.repeat(32) });
    expect(readDownloadInput('MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U')).toEqual({
      kind: 'info hash',
      link: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
    });
  });

  it('hands anything else on as a magnet link, for the parser to refuse in its words', () => {
    expect(readDownloadInput('https://example.com/#about')).toEqual({
      kind: 'magnet link',
      link: 'https://example.com/#about',
    });
    expect(readDownloadInput('https://example.com/page')).toEqual({
      kind: 'magnet link',
      link: 'https://example.com/page',
    });
    expect(readDownloadInput('holiday photos')).toEqual({ kind: 'magnet link', link: 'holiday photos' });
  });
});

import { describe, expect, it } from 'vitest';
import { parseShareFragment, shareLink } from './share-link';

const magnet = 'magnet:?xt=urn:btih:' + 'ab'.repeat(20) + '&dn=private%20share&tr=wss%3A%2F%2Ft.example';
const key = 'A'.repeat(42) + 'E';

describe('share links', () => {
  it('carries the magnet link alone for a public share', () => {
    const link = shareLink('https://app.example', magnet);
    expect(link).toBe(`https://app.example/#${encodeURIComponent(magnet)}`);
    expect(parseShareFragment(link.split('#')[1])).toEqual({ link: magnet });
  });

  it("carries a private share's key after the magnet link, in the fragment only", () => {
    const link = shareLink('https://app.example', magnet, key);
    const url = new URL(link);
    expect(url.pathname + url.search).toBe('/');
    expect(url.hash.endsWith(`&k=${key}`)).toBe(true);
    expect(parseShareFragment(url.hash.slice(1))).toEqual({ link: magnet, key });
  });

  it('tells a damaged key from none', () => {
    const fragment = `${encodeURIComponent(magnet)}&k=${key.slice(0, 40)}`;
    expect(parseShareFragment(fragment)).toEqual({ link: magnet, badKey: true });
    // An info hash alone, with a key.
    expect(parseShareFragment(`${'cd'.repeat(20)}&k=${key}`)).toEqual({ link: 'cd'.repeat(20), key });
  });
});

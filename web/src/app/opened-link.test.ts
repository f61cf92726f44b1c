import { describe, expect, it } from 'vitest';
import { WRONG_KEY_MESSAGE } from '../../../shared/private-share/private-share';
import { openedLink } from './opened-link';

const own = 'ws://127.0.0.1:8000/';
const hash = 'e7'.repeat(20);

describe('a share link opened in the address bar', () => {
  it('shows what it would download and where it would announce, before anything is contacted', () => {
    const magnet = `magnet:?xt=urn:btih:${hash}&dn=holiday.mkv&xl=1234567&tr=${encodeURIComponent('wss://t.example/announce')}`;
    const opened = openedLink(encodeURIComponent(magnet), own);
    expect(opened).toEqual({
      pending: expect.objectContaining({
        link: magnet,
        name: 'holiday.mkv',
        infoHashHex: hash,
        length: 1234567,
        trackers: ['wss://t.example/announce', own],
      }),
    });
  });

  it("carries a private share's key, and refuses a damaged one in the key's words", () => {
    const key = 'A'.repeat(42) + 'E';
    expect(openedLink(`${hash}&k=${key}`, own)).toEqual({ pending: expect.objectContaining({ key }) });
    expect(openedLink(`${hash}&k=${key.slice(0, 9)}`, own)).toEqual({ error: WRONG_KEY_MESSAGE });
  });

  it('names a link that is none', () => {
    expect(openedLink('about', own)).toEqual({
      error: expect.stringMatching(/^Invalid magnet link or info hash: /),
    });
  });
});

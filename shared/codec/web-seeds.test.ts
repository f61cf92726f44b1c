import { describe, expect, it } from 'vitest';
import { formatMagnet, parseMagnet } from './magnet';
import { encodeTorrent, readTorrentEnvelope } from './torrent-file';
import { utf8ToBytes } from './bencode';
import {
  checkWebSeed,
  MAX_WEB_SEED_URL_LENGTH,
  MAX_WEB_SEEDS,
  torrentFileBeside,
  webSeedFileUrl,
  webSeedHost,
  webSeedList,
} from './web-seeds';

const HEX = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';

describe('checkWebSeed', () => {
  it('keeps http and https URLs, the scheme in lower case', () => {
    expect(checkWebSeed(' https://files.example.org/a/ ')).toBe('https://files.example.org/a/');
    expect(checkWebSeed('HTTP://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(checkWebSeed('https://[::1]:9/x?y=1')).toBe('https://[::1]:9/x?y=1');
  });

  it.each([
    'ftp://files.example.org/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/plain,hi',
    'https://user:secret@files.example.org/',
    'https:///path',
    'https://files.example.org/a b',
    'https://files.example.org/\u0000',
    '//files.example.org/',
    '',
    `https://files.example.org/${'a'.repeat(MAX_WEB_SEED_URL_LENGTH)}`,
  ])('refuses %j', (url) => {
    expect(checkWebSeed(url)).toBeUndefined();
  });

  it('bounds the list and drops repeats', () => {
    const urls = Array.from(
      { length: MAX_WEB_SEEDS * 2 },
      (_, i) => `https://s${i % (MAX_WEB_SEEDS + 4)}.example/`,
    );
    const list = webSeedList(['ftp://x/', ...urls]);
    expect(list).toHaveLength(MAX_WEB_SEEDS);
    expect(new Set(list).size).toBe(MAX_WEB_SEEDS);
    expect(list[0]).toBe('https://s0.example/');
  });

  it('names the host without its port', () => {
    expect(webSeedHost('https://files.example.org:8443/a')).toBe('files.example.org');
    expect(webSeedHost('http://127.0.0.1:80')).toBe('127.0.0.1');
  });
});

describe('webSeedFileUrl (BEP 19 layout)', () => {
  const multi = { name: 'My share #1', multiFile: true };
  it('adds the name and each path component, percent-encoded, to a multi-file seed', () => {
    expect(webSeedFileUrl('https://h.example/files', multi, ['a?b', '100% é.txt'])).toBe(
      'https://h.example/files/My%20share%20%231/a%3Fb/100%25%20%C3%A9.txt',
    );
    expect(webSeedFileUrl('https://h.example/files/', multi, ['x'])).toBe(
      'https://h.example/files/My%20share%20%231/x',
    );
  });

  it('uses a single-file seed as it is unless it ends in a slash', () => {
    const single = { name: 'movie #2.mp4', multiFile: false };
    expect(webSeedFileUrl('https://h.example/m.mp4', single, ['movie #2.mp4'])).toBe(
      'https://h.example/m.mp4',
    );
    expect(webSeedFileUrl('https://h.example/dir/', single, ['movie #2.mp4'])).toBe(
      'https://h.example/dir/movie%20%232.mp4',
    );
  });
});

describe('torrentFileBeside', () => {
  it('names the .torrent beside the files, the name encoded as a path part', () => {
    const multi = { name: 'Photos 2024 #1', multiFile: true };
    expect(torrentFileBeside('https://f.example/share/', multi)).toBe(
      'https://f.example/share/Photos%202024%20%231.torrent',
    );
    expect(torrentFileBeside('https://f.example/share', multi)).toBe(
      'https://f.example/share/Photos%202024%20%231.torrent',
    );
    expect(torrentFileBeside('https://f.example/d/', { name: 'a b.mkv', multiFile: false })).toBe(
      'https://f.example/d/a%20b.mkv.torrent',
    );
    expect(torrentFileBeside('https://f.example/d/v.mkv', { name: 'other', multiFile: false })).toBe(
      'https://f.example/d/v.mkv.torrent',
    );
  });

  it('names none for a seed URL with a query or fragment, or past the length bound', () => {
    expect(torrentFileBeside('https://b.example/f?sig=1', { name: 'x', multiFile: true })).toBeUndefined();
    const long = `https://f.example/${'a'.repeat(MAX_WEB_SEED_URL_LENGTH - 30)}/`;
    expect(torrentFileBeside(long, { name: 'x'.repeat(40), multiFile: true })).toBeUndefined();
  });
});

describe('web seeds in links', () => {
  it('reads every valid ws= of a magnet link, in order, once each', () => {
    const link = parseMagnet(
      `magnet:?xt=urn:btih:${HEX}&ws=https%3A%2F%2Fa.example%2Ff%2F&ws=ftp://b.example/&ws=http://c.example/x` +
        '&ws=https://a.example/f/&ws=https://u:p@d.example/',
    );
    expect(link.webSeeds).toEqual(['https://a.example/f/', 'http://c.example/x']);
  });

  it('reads at most MAX_WEB_SEEDS from a magnet link', () => {
    const many = Array.from({ length: 100 }, (_, i) => `&ws=https://s${i}.example/`).join('');
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}${many}`).webSeeds).toHaveLength(MAX_WEB_SEEDS);
  });

  it('writes ws= into a magnet link and reads it back', () => {
    const webSeeds = ['https://a.example/f/', 'http://c.example/a b?x#y'.replace(' ', '%20')];
    const uri = formatMagnet({ infoHash: parseMagnet(HEX).infoHash, webSeeds });
    expect(uri).toContain('&ws=https%3A%2F%2Fa.example%2Ff%2F');
    expect(parseMagnet(uri).webSeeds).toEqual(webSeeds);
  });

  it('reads the first xs= that may be fetched, and writes it back', () => {
    const link = parseMagnet(
      `magnet:?xt=urn:btih:${HEX}&xs=urn:sha1:abc&xs=javascript:alert(1)` +
        '&xs=https%3A%2F%2Fa.example%2Ff%2FPhotos%25202024.torrent&xs=https://b.example/x.torrent',
    );
    expect(link.exactSource).toBe('https://a.example/f/Photos%202024.torrent');
    const uri = formatMagnet({ infoHash: link.infoHash, exactSource: link.exactSource });
    expect(uri).toMatch(/&xs=https%3A%2F%2Fa\.example%2Ff%2FPhotos%25202024\.torrent$/);
    expect(parseMagnet(uri).exactSource).toBe(link.exactSource);
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}&xs=https://u:p@c.example/t`).exactSource).toBeUndefined();
  });

  it('reads a url-list given as a string or as a list, checked', () => {
    const infoBytes = utf8ToBytes('d4:name1:xe');
    const list = encodeTorrent({
      info: { infoBytes },
      announce: [],
      urlList: ['https://a.example/', 'javascript:alert(1)', 'http://b.example/f'],
    });
    expect(readTorrentEnvelope(list).urlList).toEqual(['https://a.example/', 'http://b.example/f']);
    const single = encodeTorrent({
      info: { infoBytes },
      announce: [],
      fields: { 'url-list': utf8ToBytes('https://c.example') },
    });
    expect(readTorrentEnvelope(single).urlList).toEqual(['https://c.example']);
  });
});

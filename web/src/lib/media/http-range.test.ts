import { describe, expect, it } from 'vitest';
import { contentTypeOf, isImage, parseRange, piecesOfRange, playableKind } from './http-range';

describe('parseRange', () => {
  it('reads one range in each of its forms', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ kind: 'partial', start: 990, end: 999 });
  });

  it('serves the whole file without a usable header, and refuses a range past the end', () => {
    expect(parseRange(null, 10)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=0-1,5-6', 10)).toEqual({ kind: 'whole' });
    expect(parseRange('items=0-1', 10)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=5-2', 10)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=10-', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('piecesOfRange', () => {
  // Pieces of 100 bytes; the file starts at byte 250 of the torrent and has 300 bytes.
  const file = { offset: 250, length: 300 };

  it('walks the pieces of a range, with partial first and last pieces', () => {
    expect(piecesOfRange(file, 0, 299, 100)).toEqual([
      { index: 2, from: 50, to: 100 },
      { index: 3, from: 0, to: 100 },
      { index: 4, from: 0, to: 100 },
      { index: 5, from: 0, to: 50 },
    ]);
    expect(piecesOfRange(file, 60, 60, 100)).toEqual([{ index: 3, from: 10, to: 11 }]);
    const total = piecesOfRange(file, 10, 222, 100).reduce((sum, s) => sum + s.to - s.from, 0);
    expect(total).toBe(213);
  });

  it('has nothing to walk for an empty file, and refuses a range outside the file', () => {
    expect(piecesOfRange({ offset: 400, length: 0 }, 0, -1, 100)).toEqual([]);
    expect(() => piecesOfRange(file, 0, 300, 100)).toThrow(RangeError);
  });
});

describe('contentTypeOf', () => {
  it('names media by extension and never serves a page as HTML', () => {
    expect(contentTypeOf('films/clip.WEBM')).toBe('video/webm');
    expect(contentTypeOf('song.mp3')).toBe('audio/mpeg');
    expect(contentTypeOf('index.html')).toBe('text/plain; charset=utf-8');
    expect(contentTypeOf('README')).toBe('application/octet-stream');
    // An image type, shown only in an <img> (served-headers.ts servedAsAttachment).
    expect(contentTypeOf('a.svg')).toBe('image/svg+xml');
  });
});

describe('isImage', () => {
  it('takes image types, SVG included, and nothing else', () => {
    expect(['a.PNG', 'b.jpeg', 'c.svg', 'd.webp', 'e.avif'].map(isImage)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['a.mp4', 'b.html', 'c', 'd.png.exe'].map(isImage)).toEqual([false, false, false, false]);
  });
});

describe('playableKind', () => {
  /** A browser that plays these types (as Chromium: MP4 and WebM video, MP3 and FLAC, no QuickTime by name). */
  const browser =
    (types: string[]) =>
    (_kind: 'video' | 'audio', type: string): boolean =>
      types.includes(type);
  const chromium = browser([
    'video/mp4',
    'video/webm',
    'video/x-matroska',
    'audio/mpeg',
    'audio/flac',
    'audio/mp4',
  ]);

  it('plays video and audio by type, and nothing else', () => {
    expect(playableKind('a/clip.mkv', chromium)).toBe('video');
    expect(playableKind('song.FLAC', chromium)).toBe('audio');
    expect(playableKind('book.m4b', chromium)).toBe('audio');
    expect(playableKind('clip.ogv', chromium)).toBeNull();
    expect(playableKind('notes.txt', () => true)).toBeNull();
  });

  it('plays a QuickTime movie where MP4 plays, though the browser denies its type', () => {
    expect(playableKind('phone.MOV', chromium)).toBe('video');
    expect(playableKind('phone.mov', browser(['video/webm']))).toBeNull();
    expect(playableKind('phone.mov', browser(['video/quicktime']))).toBe('video');
  });
});

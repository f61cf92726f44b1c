import { describe, expect, it } from 'vitest';
import { fileResponse, type TorrentFiles } from './file-response';
import type { PieceSource } from './piece-stream';
import {
  answerOf,
  ATTACHMENT_CSP,
  SERVED_FILE_CSP,
  servedAsAttachment,
  textResponse,
} from './served-headers';

const torrent: TorrentFiles = {
  infoHashHex: 'cd'.repeat(20),
  pieceLength: 16,
  pieceCount: 2,
  files: [
    { path: ['page.svg'], length: 20, offset: 0 },
    { path: ['empty.txt'], length: 0, offset: 20 },
  ],
};
const source: PieceSource = {
  read: async (index) => new Uint8Array(index === 0 ? 16 : 4).buffer,
  want: () => {},
  pause: async () => {},
};
const stored = new Blob([new Uint8Array(20)]);

/** Every kind of response the service worker gives, by name. */
const RESPONSES: Record<string, () => Response> = {
  whole: () => fileResponse(torrent, 0, null, false, source),
  range: () => fileResponse(torrent, 0, 'bytes=2-5', false, source),
  'from the stored file': () => fileResponse(torrent, 0, null, false, source, stored),
  'range of the stored file': () => fileResponse(torrent, 0, 'bytes=2-5', false, source, stored),
  'empty file': () => fileResponse(torrent, 1, null, false, source),
  'past the end (416)': () => fileResponse(torrent, 0, 'bytes=50-60', false, source),
  'no such file (404)': () => fileResponse(torrent, 7, null, false, source),
  'an error of the worker': () => textResponse(500, 'cannot read this torrent\n'),
};

describe('the headers of what the service worker serves', () => {
  it.each(Object.keys(RESPONSES))('%s: no page may frame it, and what it renders runs nothing', (name) => {
    const response = RESPONSES[name]();
    expect(response.headers.get('content-security-policy')).toBe(SERVED_FILE_CSP);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('the policy loads nothing, runs no script, and is framed by nobody', () => {
    const directives = SERVED_FILE_CSP.split(';').map((part) => part.trim());
    expect(directives).toEqual(
      expect.arrayContaining(["default-src 'none'", 'sandbox', "frame-ancestors 'none'"]),
    );
    expect(SERVED_FILE_CSP).not.toMatch(/script-src|allow-scripts|allow-same-origin/);
  });

  it('an attachment (a save) may be framed by the app’s own origin only, which hands it to the downloads', () => {
    for (const response of [
      fileResponse(torrent, 0, null, true, source),
      fileResponse(torrent, 0, 'bytes=0-3', true, source, stored),
    ]) {
      expect(response.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(response.headers.get('content-security-policy')).toBe(ATTACHMENT_CSP);
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
    expect(ATTACHMENT_CSP).toBe(SERVED_FILE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'"));
  });
});

describe('servedAsAttachment', () => {
  it('serves an SVG inline only to an <img>, and any file as a download when asked', () => {
    expect(servedAsAttachment('image/svg+xml', 'image', false)).toBe(false);
    expect(servedAsAttachment('image/svg+xml', 'document', false)).toBe(true);
    expect(servedAsAttachment('image/svg+xml', 'iframe', false)).toBe(true);
    expect(servedAsAttachment('image/svg+xml', '', false)).toBe(true);
    expect(servedAsAttachment('image/png', 'document', false)).toBe(false);
    expect(servedAsAttachment('image/png', 'image', true)).toBe(true);
  });
});

describe('answerOf', () => {
  it('answers what was served, and a 500 in words with the served headers for a serving that failed', async () => {
    const ok = textResponse(200, 'ok\n');
    expect(await answerOf(Promise.resolve(ok), 'this file')).toBe(ok);
    const failed = await answerOf(Promise.reject(new Error('the database is closing')), 'this file');
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('cannot serve this file: the database is closing\n');
    expect(failed.headers.get('content-security-policy')).toBe(SERVED_FILE_CSP);
  });
});

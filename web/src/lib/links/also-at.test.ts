import { describe, expect, it } from 'vitest';
import { alsoAtUrls } from './also-at';

describe('alsoAtUrls', () => {
  it('keeps each checked URL once and names the lines that are not web seeds', () => {
    const text =
      ' https://files.example.org/a/ \n\nftp://x.example/\nhttps://files.example.org/a/\nnot a url';
    expect(alsoAtUrls(text)).toEqual({
      urls: ['https://files.example.org/a/'],
      invalid: ['ftp://x.example/', 'not a url'],
    });
  });

  it('gives nothing for an empty field', () => {
    expect(alsoAtUrls('  \n')).toEqual({ urls: [], invalid: [] });
  });
});

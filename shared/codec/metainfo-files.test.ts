// The checks on a torrent's paths: each component safe as a file or folder name.
import { describe, expect, it } from 'vitest';
import { MetainfoError, checkPathComponent } from './metainfo-files';

describe('checkPathComponent', () => {
  it('accepts ordinary names, including Unicode and dots inside', () => {
    for (const ok of ['a.txt', '..hidden', 'file..', 'é 日本 😀', 'ab:c', ' space ']) {
      expect(() => checkPathComponent(ok)).not.toThrow();
    }
  });

  it('refuses names that could escape a folder', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['.', /refers to a folder/],
      ['..', /refers to a folder/],
      ['a/b', /slash/],
      ['/etc', /slash/],
      ['a\\b', /slash/],
      ['C:', /drive letter/],
      ['a:b', /drive letter/],
      ['c:\\x', /slash|drive/],
      ['a\u0000b', /control character/],
      ['tab\t', /control character/],
      ['del\u007f', /control character/],
    ];
    for (const [bad, message] of cases) {
      expect(() => checkPathComponent(bad)).toThrow(MetainfoError);
      expect(() => checkPathComponent(bad)).toThrow(message);
    }
  });
});

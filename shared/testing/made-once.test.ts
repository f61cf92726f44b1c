import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, madeOnce } from './made-once';

const folder = () => mkdtempSync(join(tmpdir(), 'made-once-'));

describe('madeOnce', () => {
  it('makes a file once and hands out the same file for the same recipe', () => {
    const cache = folder();
    let makes = 0;
    const make = (path: string) => {
      makes++;
      writeFileSync(path, `made ${makes}`);
    };
    const first = madeOnce({ recipe: ['ffmpeg 6.1', '-t', '30'], extension: 'webm', make, cache });
    const second = madeOnce({ recipe: ['ffmpeg 6.1', '-t', '30'], extension: 'webm', make, cache });
    expect(second).toBe(first);
    expect(makes).toBe(1);
    expect(readFileSync(first, 'utf8')).toBe('made 1');
    expect(first.endsWith('.webm')).toBe(true);
  });

  it('makes another file when an argument or the version differs', () => {
    const cache = folder();
    const make = (path: string) => writeFileSync(path, path);
    const paths = [
      ['ffmpeg 6.1', '-t', '30'],
      ['ffmpeg 6.1', '-t', '31'],
      ['ffmpeg 7.0', '-t', '30'],
    ].map((recipe) => madeOnce({ recipe, extension: 'mp4', make, cache }));
    expect(new Set(paths).size).toBe(3);
    // Parts are told apart: moving a character from one argument to the next is another recipe.
    expect(cacheKey(['-t', '30'])).not.toBe(cacheKey(['-t3', '0']));
  });

  it('writes under a temporary name with the same extension, and shows the file only once it is whole', () => {
    const cache = folder();
    let seen: { temporary: string; visible: string[] } | undefined;
    const path = madeOnce({
      recipe: ['half'],
      extension: 'mkv',
      cache,
      make: (temporary) => {
        writeFileSync(temporary, 'half');
        seen = { temporary, visible: readdirSync(cache).filter((name) => !name.startsWith('.')) };
        writeFileSync(temporary, 'whole');
      },
    });
    expect(seen!.temporary).not.toBe(path);
    expect(seen!.temporary.endsWith('.mkv')).toBe(true);
    expect(seen!.visible).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('whole');
    expect(readdirSync(cache)).toEqual([path.slice(cache.length + 1)]);
  });

  it('leaves nothing behind when making fails, and tries again next time', () => {
    const cache = folder();
    const fail = () => {
      throw new Error('encoder failed');
    };
    const fails = (make: (path: string) => void) => () =>
      madeOnce({ recipe: ['broken'], extension: 'mp3', make, cache });
    expect(fails((path) => (writeFileSync(path, 'partial'), fail()))).toThrow('encoder failed');
    expect(readdirSync(cache)).toEqual([]);
    const path = madeOnce({
      recipe: ['broken'],
      extension: 'mp3',
      make: (p) => writeFileSync(p, 'ok'),
      cache,
    });
    expect(readFileSync(path, 'utf8')).toBe('ok');
  });
});

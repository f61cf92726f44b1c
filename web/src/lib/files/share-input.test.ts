import { describe, expect, it } from 'vitest';
import { ShareInputError, shareRequest, type PickedFile } from './share-input';

const file = (name: string) => ({ name, webkitRelativePath: '' }) as unknown as File;
const picked = (relativePath: string): PickedFile => ({
  file: file(relativePath.split('/').pop()!),
  relativePath,
});

describe('shareRequest', () => {
  it('names a single file torrent after the file', () => {
    const request = shareRequest([picked('movie.bin')]);
    expect(request.name).toBe('movie.bin');
    expect(request.files.map((f) => f.path)).toEqual([['movie.bin']]);
  });

  it('names a folder share after the folder, with paths inside it', () => {
    const request = shareRequest([
      picked('album/a.jpg'),
      picked('album/sub/b.jpg'),
      picked('album/empty.txt'),
    ]);
    expect(request.name).toBe('album');
    expect(request.files.map((f) => f.path)).toEqual([['a.jpg'], ['sub', 'b.jpg'], ['empty.txt']]);
  });

  it('keeps loose files at the top of a multi-file torrent', () => {
    const request = shareRequest([picked('a.txt'), picked('b.txt'), picked('c.txt')]);
    expect(request.name).toBe('a.txt and 2 more');
    expect(request.files.map((f) => f.path)).toEqual([['a.txt'], ['b.txt'], ['c.txt']]);
  });

  it('refuses an empty pick', () => {
    expect(() => shareRequest([])).toThrow(ShareInputError);
  });
});

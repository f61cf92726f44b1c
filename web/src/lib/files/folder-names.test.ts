import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FolderNames, numberedName, planFolderPaths, type EntryKind, type FolderLike } from './folder-names';

/** A folder in memory with the three calls the save makes, recording every file created. */
class MemoryFolder implements FolderLike {
  readonly children = new Map<string, MemoryFolder | 'file'>();
  readonly created: string[] = [];
  async *entries(): AsyncIterable<[string, { kind: EntryKind }]> {
    for (const [name, child] of this.children)
      yield [name, { kind: child === 'file' ? 'file' : 'directory' }];
  }
  async getDirectoryHandle(name: string): Promise<MemoryFolder> {
    const child = this.children.get(name);
    if (child === 'file') throw new TypeError(`${name} is a file`);
    if (child) return child;
    const folder = new MemoryFolder();
    this.children.set(name, folder);
    return folder;
  }
  async getFileHandle(name: string): Promise<unknown> {
    this.created.push(name);
    this.children.set(name, 'file');
    return {};
  }
}

describe('FolderNames', () => {
  it('makes names safe before it resolves clashes, so names that become equal get distinct files', () => {
    const names = new FolderNames();
    const planned = [
      names.file('a?.txt'),
      names.file('a*.txt'),
      names.file('caf\u00e9.txt'), // NFC
      names.file('cafe\u0301.txt'), // NFD: the same name once normalised
      names.file('zero\u200bwidth.txt'),
      names.file('zerowidth.txt'),
      names.file('Report.PDF'),
      names.file('report.pdf'),
    ];
    expect(planned).toEqual([
      'a_.txt',
      'a_ (2).txt',
      'caf\u00e9.txt',
      'caf\u00e9 (2).txt',
      'zerowidth.txt',
      'zerowidth (2).txt',
      'Report.PDF',
      'report (2).pdf',
    ]);
  });

  it('never gives a file the name of something the folder already holds', () => {
    const names = new FolderNames([
      ['movie.mp4', 'file'],
      ['movie (2).mp4', 'file'],
      ['Photos', 'directory'],
    ]);
    expect(names.file('movie.mp4')).toBe('movie (3).mp4');
    expect(names.file('photos')).toBe('photos (2)');
    expect(names.directory('Photos')).toBe('Photos'); // an existing folder is written into
  });

  it('keeps a folder and a file of the same name apart', () => {
    const names = new FolderNames([['notes', 'file']]);
    expect(names.directory('notes')).toBe('notes (2)');
    expect(names.directory('NOTES')).toBe('notes (2)'); // the same folder once made safe and compared
    expect(names.file('notes (2)')).toBe('notes (2) (2)');
  });

  it('keeps the number and the extension when the name is at the byte limit', () => {
    const long = `${'é'.repeat(127)}.mp4`; // 258 bytes before it is cut
    const name = numberedName(long, 12);
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(255);
    expect(name.endsWith(' (12).mp4')).toBe(true);
  });

  it('gives every file of any torrent its own name, distinct from what was there', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 30 }),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 10 }),
        (parts, existing) => {
          const names = new FolderNames(existing.map((name) => [name, 'file']));
          const keys = new Set(existing.map((name) => name.toLowerCase()));
          for (const part of parts) {
            const name = names.file(part);
            expect(keys.has(name.toLowerCase())).toBe(false);
            keys.add(name.toLowerCase());
          }
        },
      ),
    );
  });
});

describe('planFolderPaths', () => {
  it('writes clashing paths to distinct files and leaves the files already in the folder alone', async () => {
    const root = new MemoryFolder();
    const show = await root.getDirectoryHandle('Show');
    show.children.set('ep1.webm', 'file');
    const plans = await planFolderPaths(root, [
      ['Show', 'ep1.webm'],
      ['Show', 'ep1.webm\u200b'],
      ['show', 'EP1.webm'],
      ['Sh?w', 'ep2.webm'],
      ['Sh*w', 'ep2.webm'],
    ]);
    expect(plans.map((plan) => plan.parts.join('/'))).toEqual([
      'Show/ep1 (2).webm',
      'Show/ep1 (3).webm',
      'Show/EP1 (4).webm',
      'Sh_w/ep2.webm',
      'Sh_w/ep2 (2).webm',
    ]);
    expect(plans[0].folder).toBe(show);
    expect(show.children.get('ep1.webm')).toBe('file');
  });
});

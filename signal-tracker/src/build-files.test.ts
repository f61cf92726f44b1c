import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_RESCAN_MS, BuildFiles, buildRelativePath, isSourceMap, listBuild } from './build-files';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

function build(): string {
  root = mkdtempSync(join(tmpdir(), 'build-files-'));
  mkdirSync(join(root, 'dist', 'assets'), { recursive: true });
  writeFileSync(join(root, 'secret.txt'), 'SECRET');
  writeFileSync(join(root, 'dist', 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'dist', 'assets', 'main.js'), '1');
  writeFileSync(join(root, 'dist', 'assets', 'main.js.map'), '{}');
  symlinkSync(join(root, 'secret.txt'), join(root, 'dist', 'assets', 'linked.txt'));
  return join(root, 'dist');
}

describe('build files', () => {
  it('decodes, then normalises a URL path', () => {
    expect(buildRelativePath('/assets/main.js')).toBe('assets/main.js');
    expect(buildRelativePath('/assets/main.js.ma%70')).toBe('assets/main.js.map');
    expect(buildRelativePath('/assets/main.js%2emap')).toBe('assets/main.js.map');
    expect(buildRelativePath('/assets%2fmain.js')).toBe('assets/main.js');
    expect(buildRelativePath('/assets/x/%2e%2e/./main.js')).toBe('assets/main.js');
    expect(buildRelativePath('//assets///main.js')).toBe('assets/main.js');
    expect(buildRelativePath('/assets/main.js/')).toBe('assets/main.js/');
    expect(buildRelativePath('/')).toBe('');
    for (const bad of [
      '/..',
      '/%2e%2e/secret.txt',
      '/a/../../x',
      '/a%5cb',
      '/a%00',
      '/%E0%A4%A',
      'relative',
    ]) {
      expect(buildRelativePath(bad), bad).toBeNull();
    }
  });

  it('knows a source map by its decoded name, in any case or with trailing dots', () => {
    for (const name of ['a.js.map', 'a.js.MAP', 'a.js.map.', 'a.js.map/', 'a.map'])
      expect(isSourceMap(name), name).toBe(true);
    for (const name of ['a.js', 'map', 'a.mapx', 'a.map.js']) expect(isSourceMap(name), name).toBe(false);
  });

  it('lists only the regular files of the build: no source map, no symbolic link', () => {
    expect([...listBuild(build())].sort()).toEqual(['assets/main.js', 'index.html']);
  });

  it('finds a file of the build, and lists the folder again on a miss at most once per BUILD_RESCAN_MS', () => {
    let now = 0;
    const dist = build();
    const files = new BuildFiles(dist, () => now);
    expect(files.find('assets/main.js')).toBe(join(dist, 'assets', 'main.js'));
    expect(files.find('assets/main.js.map')).toBeNull();
    expect(files.find('assets/linked.txt')).toBeNull();
    writeFileSync(join(dist, 'assets', 'later.js'), '2');
    now += BUILD_RESCAN_MS - 1;
    expect(files.find('assets/later.js')).toBeNull(); // listed too recently
    now += 1;
    expect(files.find('assets/later.js')).toBe(join(dist, 'assets', 'later.js'));
  });
});

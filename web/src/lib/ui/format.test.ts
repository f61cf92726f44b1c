import { describe, expect, it } from 'vitest';
import {
  baseName,
  formatBytes,
  formatDuration,
  formatPieces,
  formatRate,
  plural,
  shortPeerId,
  statusText,
  waitedFor,
} from './format';

describe('format', () => {
  it('formats byte counts with binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.00 MiB');
    expect(formatBytes(150 * 1024 * 1024)).toBe('150 MiB');
    expect(formatBytes(-1)).toBe('–');
    expect(formatRate(2048)).toBe('2.00 KiB/s');
  });

  it('formats durations', () => {
    expect(formatDuration(undefined)).toBe('–');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(86400 * 3)).toBe('3 days');
  });

  it('names each state with the texts the brief fixes', () => {
    expect(statusText({ state: 'fetching-metadata' })).toBe('Fetching metadata');
    expect(statusText({ state: 'downloading' })).toBe('Downloading');
    expect(statusText({ state: 'seeding' })).toBe('Seeding');
    expect(statusText({ state: 'paused' })).toBe('Paused');
    expect(statusText({ state: 'error', error: 'quota exceeded' })).toBe('Error: quota exceeded');
    expect(statusText({ state: 'fetching-metadata', hashing: 0.425 })).toBe('Preparing… 42%');
    expect(statusText({ state: 'fetching-metadata', hashing: 0.5, checking: true })).toBe(
      'Checking the files 50%',
    );
    const files = [
      { index: 0, path: 'a', length: 1, complete: true, chosen: true },
      { index: 1, path: 'b', length: 1, complete: false, chosen: false },
    ];
    expect(statusText({ state: 'seeding', files })).toBe('Chosen files done');
  });

  it('takes the last path component as the file name', () => {
    expect(baseName('a/b/c.bin')).toBe('c.bin');
    expect(baseName('c.bin')).toBe('c.bin');
  });
});

describe('plural', () => {
  it('puts the noun in the right number', () => {
    expect(plural(1, 'peer')).toBe('1 peer');
    expect(plural(0, 'peer')).toBe('0 peers');
    expect(plural(2, 'seed')).toBe('2 seeds');
    expect(plural(3, 'child', 'children')).toBe('3 children');
  });

  it('shortens peer ids of the same app to what tells them apart', () => {
    const prefix = '2d535730313030' + '2d'; // -SW0100-
    const a = shortPeerId(prefix + '6162636465666768696a6b6c');
    const b = shortPeerId(prefix + '6162636465666768696a6b6d');
    expect(a).toBe('6a6b6c');
    expect(a).not.toBe(b);
    expect(shortPeerId('abc')).toBe('abc');
  });

  it('writes a share of pieces whole when it is whole to a tenth, else with one decimal', () => {
    expect(formatPieces(0)).toBe('0');
    expect(formatPieces(12)).toBe('12');
    expect(formatPieces(2.5)).toBe('2.5');
    expect(formatPieces(1 / 3)).toBe('0.3');
    expect(formatPieces(3.96)).toBe('4');
    expect(formatPieces(0.04)).toBe('0');
  });

  it('counts a wait in seconds from its start to the clock given, at least 1 s', () => {
    expect(waitedFor(1_000, 1_200)).toBe('1 s');
    expect(waitedFor(1_000, 41_000)).toBe('40 s');
    expect(waitedFor(0, 125_000)).toBe('2 min 05 s');
  });
});

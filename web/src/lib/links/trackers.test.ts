import { describe, expect, it } from 'vitest';
import { announceTrackers, MAX_TRACKERS_PER_TORRENT, torrentTrackers } from './trackers';
import { notEnoughRoom } from '../storage/storage-room';

describe('torrentTrackers', () => {
  it('keeps WebSocket trackers only, trimmed and without repeats, then the defaults', () => {
    expect(
      torrentTrackers(
        [
          ' wss://a.example/ ',
          'udp://b.example:80',
          'http://c.example/announce',
          'ws://d.example',
          'wss://a.example/',
        ],
        ['wss://own.example/'],
      ),
    ).toEqual(['wss://a.example/', 'ws://d.example', 'wss://own.example/']);
  });

  it('keeps at most 16, never cutting the defaults', () => {
    const many = Array.from({ length: 40 }, (_, i) => `wss://t${i}.example/`);
    const kept = torrentTrackers(many, ['wss://own.example/']);
    expect(kept).toHaveLength(MAX_TRACKERS_PER_TORRENT);
    expect(kept.at(-1)).toBe('wss://own.example/');
    expect(kept.slice(0, 15)).toEqual(many.slice(0, 15));
    expect(torrentTrackers(many)).toEqual(many.slice(0, 16));
  });
});

describe('announceTrackers', () => {
  it('keeps what a stored list may reach, the app’s own only where listed, else the app’s own', () => {
    const own = ['wss://own.example/'];
    expect(announceTrackers(['wss://a.example/', 'ws://127.0.0.1:6379/'], own)).toEqual(['wss://a.example/']);
    expect(announceTrackers(['wss://a.example/', 'wss://own.example/'], own)).toEqual([
      'wss://a.example/',
      'wss://own.example/',
    ]);
    expect(announceTrackers(['ws://10.0.0.1/', 'udp://x.example/'], own)).toEqual(own);
    expect(announceTrackers(['ws://127.0.0.1:9/'], ['ws://127.0.0.1:8321/'])).toEqual(['ws://127.0.0.1:9/']);
  });
});

describe('notEnoughRoom', () => {
  it('refuses what does not fit, with both sizes', () => {
    expect(notEnoughRoom(5 * 1024 * 1024, { quota: 1024 * 1024, usage: 24 * 1024 })).toBe(
      'Not enough storage: needs 5.00 MiB, 1000 KiB free',
    );
    expect(notEnoughRoom(100, { quota: 1000, usage: 1000 })).toBe(
      'Not enough storage: needs 100 B, 0 B free',
    );
  });

  it('lets through what fits, an unknown size, or a browser that does not say', () => {
    expect(notEnoughRoom(900, { quota: 1000, usage: 100 })).toBeUndefined();
    expect(notEnoughRoom(Number.NaN, { quota: 1000, usage: 100 })).toBeUndefined();
    expect(notEnoughRoom(5000, undefined)).toBeUndefined();
    expect(notEnoughRoom(5000, {})).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  MAX_TRACKERS_PER_TORRENT,
  MAX_TRACKERS_READ,
  dropReasonText,
  screenTrackers,
} from './tracker-screen';

const PUBLIC_APP = ['wss://swarmdrop.example/'];

describe('screenTrackers', () => {
  it('drops every non-public tracker a link names when the app is public, and says why', () => {
    const screened = screenTrackers(
      [
        'wss://good.example/',
        'ws://127.0.0.1:6379/set?key=1',
        'ws://2130706433:80/',
        'ws://0x7f.1/',
        'ws://[::ffff:127.0.0.1]/',
        'ws://localhost:3000/',
        'ws://0.0.0.0:8080/',
        'ws://192.168.1.1/admin',
        'ws://100.64.0.1/',
        'ws://[fd00::1]/',
        'ws://169.254.169.254/latest',
        'ws://[fe80::1]/',
        'udp://tracker.example:1337',
        'http://tracker.example/announce',
        'ws://bad host/',
      ],
      PUBLIC_APP,
    );
    expect(screened.kept).toEqual(['wss://good.example/', 'wss://swarmdrop.example/']);
    expect(screened.dropped.map((d) => d.reason)).toEqual([
      'loopback',
      'loopback',
      'loopback',
      'loopback',
      'loopback',
      'unspecified',
      'private',
      'private',
      'private',
      'link-local',
      'link-local',
      'not-websocket',
      'not-websocket',
      'invalid',
    ]);
    expect(screened.dropped[0].url).toBe('ws://127.0.0.1:6379/set?key=1');
    expect(screened.unread).toBe(0);
  });

  it('keeps trackers in the class of the app’s own origin, on any port, and refuses the other classes', () => {
    const named = ['ws://127.0.0.1:9/', 'ws://localhost:7000/', 'ws://10.0.0.2/', 'ws://[fe80::1]/'];
    const onLoopback = screenTrackers(named, ['ws://127.0.0.1:8321/']);
    expect(onLoopback.kept).toEqual(['ws://127.0.0.1:9/', 'ws://localhost:7000/', 'ws://127.0.0.1:8321/']);
    expect(onLoopback.dropped.map((d) => d.reason)).toEqual(['private', 'link-local']);
    const onLan = screenTrackers(named, ['ws://192.168.1.20:8000/']);
    expect(onLan.kept).toEqual(['ws://10.0.0.2/', 'ws://192.168.1.20:8000/']);
    expect(onLan.dropped.map((d) => d.reason)).toEqual(['loopback', 'loopback', 'link-local']);
  });

  it('with no trackers of its own, takes the app as public', () => {
    expect(screenTrackers(['ws://127.0.0.1:9/']).kept).toEqual([]);
  });

  it('never drops the app’s own trackers, whatever their address', () => {
    expect(screenTrackers([], ['ws://localhost:8000/', 'udp://x.example/']).kept).toEqual([
      'ws://localhost:8000/',
    ]);
  });

  it('reads at most MAX_TRACKERS_READ named trackers, counts the rest, and keeps at most the torrent’s limit', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `wss://t${i}.example/`);
    const screened = screenTrackers(many, PUBLIC_APP, 3);
    expect(screened.kept).toHaveLength(MAX_TRACKERS_PER_TORRENT);
    expect(screened.kept.at(-1)).toBe(PUBLIC_APP[0]);
    expect(screened.dropped).toHaveLength(MAX_TRACKERS_READ - (MAX_TRACKERS_PER_TORRENT - 1));
    expect(screened.dropped.every((d) => d.reason === 'over-limit')).toBe(true);
    expect(screened.unread).toBe(5000 - MAX_TRACKERS_READ + 3);
  });

  it('counts a repeat once, and the app’s own tracker named again is no drop', () => {
    const screened = screenTrackers(
      ['ws://127.0.0.1/', ' ws://127.0.0.1/ ', 'wss://swarmdrop.example/'],
      PUBLIC_APP,
    );
    expect(screened.dropped).toEqual([{ url: 'ws://127.0.0.1/', reason: 'loopback' }]);
    expect(screened.kept).toEqual(PUBLIC_APP);
  });

  it('says each reason in words', () => {
    expect(dropReasonText('loopback')).toBe('an address on this device');
    expect(dropReasonText('over-limit')).toMatch(/limit of 16 trackers/);
  });
});

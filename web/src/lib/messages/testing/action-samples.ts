// One call of every action of the table (tests): its type names every action, so a row added to lib/messages/actions.ts
// without a sample here does not compile, and the tests that go through these samples cover the new action too.
import type { ActionName, Call } from '../actions';

const T = 'ab'.repeat(20);

export const ACTION_SAMPLES: { [A in ActionName]: Call<A> } = {
  share: {
    op: 'share',
    files: [{ file: new File([new Uint8Array([1, 2, 3])], 'a.bin'), path: ['dir', 'a.bin'] }],
    name: 'dir',
    encrypt: true,
    webSeeds: ['https://files.example.org/share/'],
  },
  'add-magnet': { op: 'add-magnet', link: `magnet:?xt=urn:btih:${T}`, key: 'A'.repeat(42) + 'E' },
  'add-torrent-file': { op: 'add-torrent-file', bytes: new ArrayBuffer(4) },
  'seed-torrent': {
    op: 'seed-torrent',
    torrent: new ArrayBuffer(4),
    files: [{ file: new File([new Uint8Array([1, 2, 3])], 'a.bin'), path: ['dir', 'a.bin'] }],
    from: 'folder',
  },
  'get-file': { op: 'get-file', infoHashHex: T, fileIndex: 1 },
  'get-torrent-file': { op: 'get-torrent-file', infoHashHex: T },
  'read-piece': { op: 'read-piece', infoHashHex: T, index: 3 },
  'get-encrypted-copy': { op: 'get-encrypted-copy', infoHashHex: T },
  'get-shared-handles': { op: 'get-shared-handles', infoHashHex: T },
  'resume-sharing': { op: 'resume-sharing', infoHashHex: T },
  pause: { op: 'pause', infoHashHex: T },
  resume: { op: 'resume', infoHashHex: T },
  remove: { op: 'remove', infoHashHex: T },
  'choose-files': { op: 'choose-files', infoHashHex: T, skipped: [0, 2] },
  playback: {
    op: 'playback',
    infoHashHex: T,
    fileIndex: 0,
    position: { time: 12.5, duration: 60, paused: false },
  },
  'play-start': { op: 'play-start', infoHashHex: T, fileIndex: 1 },
  'limit-web-seeds': { op: 'limit-web-seeds', infoHashHex: T, bytes: 1_000_000 },
  'set-upload-limit': { op: 'set-upload-limit', kib: 64 },
  'set-relay-only': { op: 'set-relay-only', on: true },
};

/** Every sample, in the table's order. */
export const ALL_SAMPLES: Call[] = Object.values(ACTION_SAMPLES);

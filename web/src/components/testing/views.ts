// What the components' tests render: a torrent's view and a peer's row with ordinary figures, and the actions a
// torrent card sends, each a spy.
import { vi } from 'vitest';
import type { TorrentActions } from '../../app/app.svelte';
import type { PeerRow, TorrentView } from '../../lib/messages/protocol';

export const INFO_HASH = 'ab'.repeat(20);

/** A downloading torrent of one file, half done, with one peer; `overrides` change any field. */
export function torrentView(overrides: Partial<TorrentView> = {}): TorrentView {
  return {
    infoHashHex: INFO_HASH,
    name: 'holiday.mp4',
    state: 'downloading',
    magnet: `magnet:?xt=urn:btih:${INFO_HASH}&dn=holiday.mp4`,
    trackers: ['wss://tracker.example'],
    progress: 50,
    length: 2 * 1024 * 1024,
    pieceCount: 8,
    have: 4,
    downloaded: 1024 * 1024,
    uploaded: 0,
    downloadRate: 2048,
    uploadRate: 0,
    peers: 1,
    seeds: 1,
    timeLeft: 512,
    files: [{ index: 0, path: 'holiday.mp4', length: 2 * 1024 * 1024, complete: false, chosen: true }],
    peerStats: [],
    availability: [-1, -1, -1, -1, 1, 1, 1, 1],
    addedAt: 0,
    ...overrides,
  };
}

/** A connected peer that sends to us and that we send to; `overrides` change any field. */
export function peerRow(overrides: Partial<PeerRow> = {}): PeerRow {
  return {
    peer: 'peer-1',
    peerId: '2d5744303330302d' + 'cd'.repeat(12),
    client: 'WebTorrent 0.3.0',
    progress: 0.25,
    downloadRate: 4096,
    uploadRate: 1024,
    downloaded: 3 * 1024 * 1024,
    uploaded: 512,
    amChoking: false,
    amInterested: true,
    peerChoking: false,
    peerInterested: false,
    snubbed: false,
    piecesReceived: 3,
    requestsInFlight: 4,
    path: 'direct',
    ...overrides,
  };
}

/** Every action a torrent card can send, each a spy that records its calls. */
export function torrentActions() {
  return {
    saveFile: vi.fn<TorrentActions['saveFile']>(async () => undefined),
    saveAllToFolder: vi.fn<TorrentActions['saveAllToFolder']>(async () => undefined),
    saveAllAsZip: vi.fn<TorrentActions['saveAllAsZip']>(),
    saveTorrentFile: vi.fn<TorrentActions['saveTorrentFile']>(async () => undefined),
    saveEncryptedCopy: vi.fn<TorrentActions['saveEncryptedCopy']>(async () => undefined),
    torrentFileBytes: vi.fn<TorrentActions['torrentFileBytes']>(async () => new Uint8Array()),
    pieceBytes: vi.fn<TorrentActions['pieceBytes']>(async () => new Uint8Array()),
    chooseFile: vi.fn<TorrentActions['chooseFile']>(),
    setWebSeedBudget: vi.fn<TorrentActions['setWebSeedBudget']>(),
    playback: vi.fn<TorrentActions['playback']>(),
    playStarting: vi.fn<TorrentActions['playStarting']>(),
    resumeSharing: vi.fn<TorrentActions['resumeSharing']>(async () => undefined),
    pause: vi.fn<TorrentActions['pause']>(),
    resume: vi.fn<TorrentActions['resume']>(),
    remove: vi.fn<TorrentActions['remove']>(),
  } satisfies TorrentActions;
}

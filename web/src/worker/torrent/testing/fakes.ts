// Small fakes for the torrent host's rooms: an info laid out from file lengths, a session that records its events,
// and a writer that records what it was asked.
import { Bitfield } from '../../../../../shared/codec/bitfield';
import type {
  EngineAction,
  EngineEvent,
  Session,
  SessionStats,
} from '../../../../../shared/engine/contract/engine-types';
import { VerifiedPieces } from '../../../../../shared/engine/verify/verified-pieces';
import type { FileEntry, TorrentInfo } from '../../../../../shared/codec/metainfo';
import type { BatchWriter } from '../../storage/batch-writer';
import type { PieceStorage } from '../../../../../shared/host/piece-storage';
import type { TorrentRecord } from '../../storage/records';
import type { HostContext } from '../context';

/** An info whose files have these names and lengths, in order (`pad`: a BEP 47 pad file). */
export function fakeInfo(
  files: Array<{ name: string; length: number; pad?: true }>,
  pieceLength: number,
  name = 'torrent',
): TorrentInfo {
  let offset = 0;
  const entries: FileEntry[] = files.map(({ name: file, length, pad }) => {
    const entry: FileEntry = { path: [file], length, offset, ...(pad ? { pad } : {}) };
    offset += length;
    return entry;
  });
  const pieceCount = Math.ceil(offset / pieceLength);
  return {
    infoHash: new Uint8Array(20).fill(1),
    infoHashHex: '01'.repeat(20),
    name,
    pieceLength,
    pieceCount,
    pieces: new Uint8Array(20 * pieceCount),
    length: offset,
    files: entries,
    multiFile: entries.length > 1,
    infoBytes: new Uint8Array([0x64, 0x65]),
    private: false,
  };
}

/** The verified pieces of `info`: those listed. */
export function verifiedOf(info: TorrentInfo, indices: number[] = []): VerifiedPieces {
  const bits = new Bitfield(info.pieceCount);
  for (const index of indices) bits.set(index);
  return new VerifiedPieces(info, bits);
}

export function fakeStats(stats: Partial<SessionStats> = {}): SessionStats {
  return {
    state: 'downloading',
    infoHashHex: '01'.repeat(20),
    pieceCount: 0,
    have: 0,
    wantedPieces: 0,
    wantedVerified: 0,
    wantedReachable: 0,
    left: 0,
    length: 0,
    downloaded: 0,
    uploaded: 0,
    downloadRate: 0,
    uploadRate: 0,
    ratio: 0,
    peers: 0,
    seeds: 0,
    availability: new Int16Array(0),
    peerStats: [],
    ...stats,
  };
}

/** A session that records the events it is fed and answers each with `reply(event)`. */
export class FakeSession implements Session {
  readonly events: EngineEvent[] = [];
  counts = { downloaded: 0, uploaded: 0 };
  stats = (): SessionStats => fakeStats(this.counts);
  reply: (event: EngineEvent) => EngineAction[] = () => [];
  readonly info = undefined;
  readonly have = undefined;
  readonly verified = undefined;

  handle(event: EngineEvent): EngineAction[] {
    this.events.push(event);
    return this.reply(event);
  }

  totals(): { downloaded: number; uploaded: number } {
    return { ...this.counts };
  }

  /** The types of the events fed, in order. */
  get types(): string[] {
    return this.events.map((event) => event.type);
  }
}

/** A writer that records hurries, `soon`s and puts, and runs `together` at once. */
export class FakeWriter {
  hurries = 0;
  soons: number[] = [];
  puts: Array<[string, unknown]> = [];
  fail: Error | undefined;

  hurry(): void {
    this.hurries++;
  }

  soon(ms: number): void {
    this.soons.push(ms);
  }

  together<T>(queue: () => T): T {
    return queue();
  }

  put(key: string, value: unknown): Promise<void> {
    this.puts.push([key, value]);
    return this.fail ? Promise.reject(this.fail) : Promise.resolve();
  }
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A fresh, unpaused record of the torrent `info` under `name`. */
export function fakeRecord(
  info: TorrentInfo,
  name: string,
  change: Partial<TorrentRecord> = {},
): TorrentRecord {
  return {
    infoHashHex: info.infoHashHex,
    name,
    trackers: [],
    storageId: info.infoHashHex,
    addedAt: 1,
    uploaded: 0,
    downloaded: 0,
    paused: false,
    ...change,
  };
}

/** A host context of fakes: no stored piece, hashes of zeros, time 0; sessions from `createSession`. */
export function fakeHostContext(
  writer: FakeWriter,
  createSession: HostContext['createSession'],
  change: Partial<HostContext> = {},
): HostContext {
  const pieces = { verifiedPieces: async () => undefined } as unknown as PieceStorage;
  return {
    writer: writer as unknown as BatchWriter,
    pieces: () => pieces,
    sha1: async () => new Uint8Array(20),
    sha256: async () => new Uint8Array(32),
    post: () => {},
    clock: () => 0,
    random: () => 0.5,
    newPeerId: () => new Uint8Array(20),
    createSession,
    keep: new WeakSet(),
    ...change,
  };
}

// A PortsHost made of fakes, recording what the engine's ports did with it.
import type { EngineEvent } from '../../../../../shared/engine/contract/engine-types';
import type { VerifiedPieces } from '../../../../../shared/engine/verify/verified-pieces';
import type { WorkerToMain } from '../../../lib/messages/protocol';
import type { PortsHost } from '../engine-ports';
import { PeerLinks } from '../peer-links';
import type { PieceIoHost } from '../piece-io';
import { FakeWriter } from './fakes';
import { WebSeedFetcher } from '../../../net/web-seed-fetch';

export interface RecordingHost extends PortsHost {
  posted: Array<{ message: WorkerToMain; transfer?: Transferable[] }>;
  fed: EngineEvent[];
  failures: string[];
  stored: number[];
  verifiedPieces: VerifiedPieces | undefined;
  pausedNow: boolean;
  written: Array<{ index: number; data: ArrayBuffer }>;
  verifiedSteered: number[];
  landed: number[];
  counted: number[];
  writePiece: (index: number, data: ArrayBuffer) => Promise<void>;
  readBlock: PieceIoHost['pieces']['readBlock'];
}

export function recordingHost(): RecordingHost {
  const posted: RecordingHost['posted'] = [];
  const post = (message: WorkerToMain, transfer?: Transferable[]) =>
    posted.push({ message, ...(transfer ? { transfer } : {}) });
  const host: RecordingHost = {
    posted,
    fed: [],
    failures: [],
    stored: [],
    verifiedPieces: undefined,
    pausedNow: false,
    written: [],
    verifiedSteered: [],
    landed: [],
    counted: [],
    webSeeds: new WebSeedFetcher('http:'),
    writePiece: async () => {},
    readBlock: async () => new Uint8Array(0),
    ctx: {
      post,
      sha1: async (data) => new Uint8Array(20).fill(data.length),
      sha256: async (data) => new Uint8Array(32).fill(data.length),
      keep: new WeakSet(),
    },
    infoHashHex: 'ab',
    peers: new PeerLinks(),
    writer: new FakeWriter(),
    pieces: {
      writePiece: (index, data) => {
        host.written.push({ index, data });
        return host.writePiece(index, data);
      },
      readBlock: (index, begin, length) => host.readBlock(index, begin, length),
    },
    keep: new WeakSet(),
    totals: {
      storing: (bytes) => host.counted.push(bytes),
      stored: (bytes) => host.counted.push(-bytes),
    },
    steering: {
      pieceVerified: (index) => host.verifiedSteered.push(index),
      pieceLanded: (index) => host.landed.push(index),
    },
    verified: () => host.verifiedPieces,
    firstPieceShown: () => false,
    persistTotals: () => {},
    pieceStored: (index) => host.stored.push(index),
    fail: (reason) => host.failures.push(reason),
    failShared: () => false,
    paused: () => host.pausedNow,
    announceStats: () => ({ uploaded: 1, downloaded: 2, left: 3 }),
    metadata: () => {},
    layersKnown: () => {},
    complete: () => {},
  };
  return host;
}

// The engine's defaults: what a session uses for every setting its options leave out.
import type { EngineConfig } from './engine-types';

export const DEFAULT_CONFIG: EngineConfig = {
  targetPeers: 20,
  maxPeers: 50,
  uploadSlots: 4,
  chokeIntervalMs: 10_000,
  optimisticIntervalMs: 30_000,
  handshakeTimeoutMs: 20_000,
  idleTimeoutMs: 150_000,
  keepAliveMs: 60_000,
  requestTimeoutMs: 30_000,
  snubTimeoutMs: 60_000,
  minPipeline: 5,
  maxPipeline: 250,
  randomFirstPieces: 4,
  endgameDuplicates: 2,
  clientName: 'swarmdrop 0.1',
};

// What the tracker and its keeper process say to each other over Node's IPC channel: requests with an id, replies
// with the same id. The .torrent travels as base64 (the channel is JSON).
import type { KeepReply, KeepStatus } from './keeper';
import type { KeeperLimits } from './keep-policy';
import type { KeeperTurn } from './keeper-ice';

export type KeeperRequest =
  | {
      id: number;
      op: 'keep';
      infoHash: string;
      torrent: string;
      address: string;
      token?: string;
      /** The piece a challenge named, its bytes in base64 (keep-proof.ts). */
      proof?: { nonce: string; piece: number; bytes: string };
    }
  | { id: number; op: 'stop'; infoHash: string; stopToken: string }
  | { id: number; op: 'status'; infoHash: string; stopToken: string };

export type KeeperAnswer = KeepReply | { ok: boolean; error?: string } | KeepStatus | null;

export interface KeeperReply {
  id: number;
  answer: KeeperAnswer;
}

/** What the keeper process is started with (in its KEEPER_CONFIG environment variable, as JSON). */
export interface KeeperProcessConfig {
  folder: string;
  limits: KeeperLimits;
  tracker: string;
  iceServers: unknown[];
  /** The tracker's TURN relays and their shared secret: the keeper mints its own credentials, as for a tab. */
  turn?: KeeperTurn;
}

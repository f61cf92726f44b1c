// Tit-for-tat choking as a pure function of peer statistics.

export interface ChokerPeer {
  peer: string;
  interested: boolean; // the peer is interested in us
  downloadRate: number; // bytes/s we get from it (leeching: rank by this)
  uploadRate: number; // bytes/s we send to it (seeding: rank by this)
  snubbed: boolean;
  connectedAt: number;
  unchoked: boolean; // currently unchoked by us
  lastUnchokedAt?: number; // when we last unchoked it (seeding rotation)
}

export interface ChokerInput {
  peers: ChokerPeer[];
  seeding: boolean;
  slots: number; // regular unchoke slots, default 4
  optimistic: string | undefined; // current optimistic unchoke
  rotateOptimistic: boolean; // true every 30 s round
  now: number;
  random: () => number;
  newPeerMs?: number; // peers connected less than this are 3x as likely to be the optimistic pick (default 60000)
}

export interface ChokerResult {
  unchoke: Set<string>;
  optimistic: string | undefined;
}

export function chooseUnchoked(input: ChokerInput): ChokerResult {
  void input;
  throw new Error('not implemented');
}

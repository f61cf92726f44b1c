// The keeper: shares it was asked to keep, each a torrent of the Node host joined to its swarm on the tracker over
// WebRTC. It fetches every piece (each checked against the torrent's hashes), seeds until the share's expiry, then
// stops and deletes it. Its records and files live in one folder, from which it resumes after a restart.
import { randomBytes } from 'node:crypto';
import { statfs } from 'node:fs/promises';
import { NodeHost } from '../../../node-host/node-host';
import type { NodeTorrent } from '../../../node-host/node-torrent';
import { joinRtcSwarm, type RtcSwarm } from '../../../node-host/rtc-swarm';
import { readTorrent } from '../../../node-host/torrent-source';
import { FailedKeeps, FetchSlots } from './fetch-slots';
import { shareFootprint } from './keep-footprint';
import { keepRefusal, tokenRefusal, type KeepRecord, type KeeperLimits } from './keep-policy';
import { KeepProofs, proofAnswer, type Challenge, type KeepProof } from './keep-proof';
import { RequesterKeys } from './requester-key';
import { KeepStore } from './keep-store';
import { keeperIceServers, type KeeperTurn } from './keeper-ice';
import { TrackerSockets } from './tracker-sockets';

/** What a tab is told when its share could not be started: never an error's own words (they may hold a path). */
export const START_FAILED = 'The keeper could not start keeping this share; nothing of it was kept.';
/** Shares started each second when the keeper resumes: their first announces (with offers) spread out. */
export const RESUME_STARTS_PER_SECOND = 16;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a request that failed inside the keeper is told. */
export const KEEPER_FAILED = 'The keeper could not do that; try again in a few minutes.';
/** What the card of a share given up says: no peer sent it a piece for FETCH_STALL_MS. */
export const STALLED =
  'The keeper gave up: this share did not come, or came too slowly. Ask again while a tab shares it.';
/** Peers one kept torrent talks to at once. */
export const MAX_PEERS_PER_SHARE = 20;

export interface KeeperOptions {
  folder: string;
  limits: KeeperLimits;
  /** The tracker's WebSocket address, and the ICE servers its /config.json gives. */
  tracker: string;
  iceServers: unknown[];
  /** The tracker's TURN relays: each peer connection gets a credential of its own. */
  turn?: KeeperTurn;
  now?: () => number;
}

/** A refusal carries a challenge when the keep lacked a proof the keeper can take (keep-proof.ts). */
export type KeepReply =
  | { ok: true; infoHash: string; stopToken: string; expiresAt: number }
  | { ok: false; error: string; challenge?: Challenge };

export interface KeepStatus {
  infoHash: string;
  /** Verified pieces of all, 0 to 1. */
  progress: number;
  kept: boolean;
  expiresAt: number;
  /** Why the keeper gave the share up, in words: it keeps it no more. */
  failed?: string;
}

interface Running {
  record: KeepRecord;
  torrent: NodeTorrent;
  swarm: RtcSwarm;
  /** Its tracker socket (TrackerSockets). */
  socket: number;
}

export class Keeper {
  private readonly store: KeepStore;
  private readonly host = new NodeHost();
  private readonly running = new Map<string, Running>();
  private records: KeepRecord[] = [];
  private readonly now: () => number;
  private readonly sockets: TrackerSockets;
  private readonly slots = new FetchSlots();
  private readonly failed = new FailedKeeps();
  private readonly proofs = new KeepProofs();
  private readonly requesters = new RequesterKeys();

  constructor(private readonly options: KeeperOptions) {
    this.store = new KeepStore(options.folder);
    this.now = options.now ?? Date.now;
    this.sockets = new TrackerSockets(options.tracker);
  }

  /** Loads the records, deletes what expired while the keeper was down, and starts the rest where they were. */
  async resume(): Promise<void> {
    this.records = await this.store.load();
    await this.expire();
    for (const [index, record] of [...this.records].entries()) {
      // Each start announces with offers at once: a keeper resuming hundreds of shares would pass the tracker's
      // messages and bytes per second from its address.
      if (index > 0 && index % RESUME_STARTS_PER_SECOND === 0) await pause(1_000);
      try {
        await this.start(record, await this.store.readTorrent(record.infoHash));
      } catch {
        await this.drop(record.infoHash); // its folder was damaged: what cannot be read cannot be seeded
      }
    }
  }

  /** Takes a share: `torrent` is its .torrent (the tab's, of ciphertext for a private share), `named` its info hash,
   * `proof` the piece the keeper's challenge named. A share already kept answers its record to any holder of its
   * data: whoever shares it can stop it. */
  async keep(
    torrent: Uint8Array,
    address: string,
    token: string | undefined,
    named: string,
    proof?: KeepProof,
  ): Promise<KeepReply> {
    let source;
    try {
      source = await readTorrent(torrent);
    } catch {
      return { ok: false, error: 'That is not a torrent the keeper can read.' };
    }
    const untokened = tokenRefusal(token, this.options.limits);
    if (untokened) return { ok: false, error: untokened };
    const { infoHashHex: infoHash, length } = source.info;
    if (infoHash !== named) return { ok: false, error: 'That torrent is not the share the request names.' };
    const unproved = proofAnswer(this.proofs, source, proof);
    if (unproved) return unproved;
    const kept = this.records.find((record) => record.infoHash === infoHash);
    if (kept) return { ok: true, infoHash, stopToken: kept.stopToken, expiresAt: kept.expiresAt };
    const footprint = shareFootprint(source.info, torrent.byteLength);
    const requester = this.requesters.of(address);
    this.noteProgress(this.now());
    const refusal =
      keepRefusal(
        { infoHash, footprint, requester, token },
        this.records,
        this.options.limits,
        await this.diskRoom(),
      ) ?? this.slots.refusal(requester);
    if (refusal) return { ok: false, error: refusal };
    const record: KeepRecord = {
      infoHash,
      length,
      footprint,
      requester,
      expiresAt: this.now() + this.options.limits.hours * 3_600_000,
      stopToken: randomBytes(16).toString('hex'),
    };
    // The record (and its footprint) is counted before anything is written; a start that fails removes it all.
    this.records.push(record);
    try {
      await this.store.save(this.records);
      await this.store.saveTorrent(infoHash, torrent);
      await this.start(record, torrent);
    } catch {
      await this.drop(infoHash).catch(() => {});
      return { ok: false, error: START_FAILED };
    }
    this.failed.forget(infoHash);
    return { ok: true, infoHash, stopToken: record.stopToken, expiresAt: record.expiresAt };
  }

  /** Ends a share early: only with the token its keep returned. */
  async stop(infoHash: string, stopToken: string): Promise<{ ok: boolean; error?: string }> {
    const record = this.records.find((r) => r.infoHash === infoHash);
    if (!record) return { ok: false, error: 'The keeper does not keep this share.' };
    if (record.stopToken !== stopToken)
      return { ok: false, error: 'Only the tab that asked the keeper can stop keeping this share.' };
    await this.drop(infoHash);
    return { ok: true };
  }

  /** How far the copy of a share is, told only with the token its keep returned: to anyone else, not kept. */
  status(infoHash: string, stopToken: string): KeepStatus | undefined {
    const running = this.running.get(infoHash);
    if (!running) return this.givenUp(infoHash, stopToken);
    if (running.record.stopToken !== stopToken) return undefined;
    const stats = running.torrent.stats();
    return {
      infoHash,
      progress: stats.pieceCount === 0 ? 1 : stats.have / stats.pieceCount,
      kept: stats.state === 'seeding',
      expiresAt: running.record.expiresAt,
    };
  }

  /** Deletes every share past its expiry, and gives up each fetch with no new piece for FETCH_STALL_MS. */
  async expire(): Promise<void> {
    const now = this.now();
    for (const record of this.records.filter((r) => r.expiresAt <= now)) await this.drop(record.infoHash);
    await this.giveUpStalled(now);
  }

  async close(): Promise<void> {
    for (const running of this.running.values()) await running.swarm.stop();
    this.running.clear();
    await this.host.stop();
  }

  /** The bytes the folder's filesystem can still take: its free space as an unprivileged user sees it, less what
   * the shares being fetched have still to write (their files fill in as pieces come). */
  private async diskRoom(): Promise<number> {
    const { bavail, bsize } = await statfs(this.options.folder);
    let owed = 0;
    for (const running of this.running.values()) owed += running.torrent.stats().left;
    return bavail * bsize - owed;
  }

  /** Frees the slots of shares fetched whole, and notes the others' verified pieces. */
  private noteProgress(now: number): void {
    for (const [infoHash, running] of this.running) {
      const stats = running.torrent.stats();
      if (stats.left === 0) this.slots.release(infoHash);
      else this.slots.progress(infoHash, stats.have, now);
    }
  }

  /** Drops each share whose fetch stalled (everything it wrote with it); its status says so until FAILED_KEPT_MS. */
  private async giveUpStalled(now: number): Promise<void> {
    this.noteProgress(now);
    for (const infoHash of this.slots.stalled(now)) {
      const stopToken = this.records.find((record) => record.infoHash === infoHash)?.stopToken ?? '';
      await this.drop(infoHash);
      this.failed.add(infoHash, stopToken, STALLED, now);
    }
  }

  /** The status of a keep given up lately, told to the holder of its stop token only. */
  givenUp(infoHash: string, stopToken: string): KeepStatus | undefined {
    const failed = this.failed.words(infoHash, stopToken, this.now());
    return failed === undefined ? undefined : { infoHash, progress: 0, kept: false, expiresAt: 0, failed };
  }

  private async start(record: KeepRecord, torrent: Uint8Array): Promise<void> {
    const added = await this.host.add({
      torrent,
      folder: this.store.filesFolder(record.infoHash),
      verifiedPath: this.store.verifiedPath(record.infoHash),
      config: { maxPeers: MAX_PEERS_PER_SHARE },
    });
    // A record written before footprints were counted is counted at what its share takes from now on.
    record.footprint ??= shareFootprint(added.source.info, torrent.byteLength);
    const socket = this.sockets.take();
    let swarm;
    try {
      swarm = joinRtcSwarm(added, {
        tracker: socket.url,
        peerId: this.host.peerId,
        iceServers: () => keeperIceServers(this.options.iceServers, this.options.turn, Date.now()),
      });
    } catch (error) {
      this.sockets.release(socket.index);
      await this.host.remove(added);
      throw error;
    }
    this.running.set(record.infoHash, { record, torrent: added, swarm, socket: socket.index });
    const stats = added.stats();
    if (stats.left > 0)
      this.slots.take(
        record.infoHash,
        record.requester,
        stats.have,
        this.now(),
        added.source.info.pieceLength,
        stats.left,
      );
  }

  private async drop(infoHash: string): Promise<void> {
    const running = this.running.get(infoHash);
    this.running.delete(infoHash);
    this.slots.release(infoHash);
    if (running) {
      this.sockets.release(running.socket);
      await this.host.remove(running.torrent);
      await running.swarm.stop();
    }
    this.records = this.records.filter((r) => r.infoHash !== infoHash);
    await this.store.save(this.records);
    await this.store.remove(infoHash);
  }
}

// A stranger on the WebTorrent tracker protocol (a Node WebSocket, no browser): it binds a hybrid torrent's v2 hash
// to a junk hash, waits in the v1 swarm for a tab's offers, and announces the v2 hash under every peer id it reads
// from them, so that the tab's own announce of that hash finds its id taken. Loopback only, bounded in count.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { until } from '../shared/testing/until';

/** Squats at most this many peer ids: a stranger that keeps trying, within a bound. */
const MAX_SQUATS = 8;

export interface SquatResult {
  peerId: string;
  /** Whether the tracker took the announce under the tab's id (false: refused with a failure reason). */
  taken: boolean;
}

const binary = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const hexBinary = (hex: string) => binary(Buffer.from(hex, 'hex'));

export class Squatter {
  readonly squats: SquatResult[] = [];
  private readonly ws: WebSocket;
  private readonly junk = binary(randomBytes(20));
  private readonly v1: string;
  private readonly v2: string;
  private bound = false;
  private joined = false;
  /** Peer ids whose squat waits for the tracker's word, in the order sent (one socket: answered in order). */
  private readonly pending: string[] = [];

  constructor(url: string, infoHashHex: string, infoHashV2Hex: string) {
    this.v1 = hexBinary(infoHashHex);
    this.v2 = hexBinary(infoHashV2Hex.slice(0, 40));
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => this.onMessage(JSON.parse(String(data)) as Record<string, unknown>));
  }

  /** Binds the v2 hash to a junk hash, then joins the v1 swarm to read the tab's offers. */
  async setUp(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
    this.announce(this.junk, binary(randomBytes(20)), { info_hash_alias: this.v2 });
    await until(() => this.bound, { timeoutMs: 5_000, what: 'the junk hash bound to the v2 hash' });
    this.announce(this.v1, binary(randomBytes(20)));
    await until(() => this.joined, { timeoutMs: 5_000, what: 'the stranger in the v1 swarm' });
  }

  close(): void {
    this.ws.close();
  }

  private announce(infoHash: string, peerId: string, extra: Record<string, unknown> = {}): void {
    const message = { action: 'announce', info_hash: infoHash, peer_id: peerId, event: 'started' };
    this.ws.send(
      JSON.stringify({ ...message, numwant: 0, offers: [], uploaded: 0, downloaded: 0, left: 0, ...extra }),
    );
  }

  private onMessage(message: Record<string, unknown>): void {
    const infoHash = message.info_hash;
    if (typeof message.offer === 'object' && infoHash === this.v1) return this.squat(String(message.peer_id));
    if (infoHash === this.junk && message.info_hash_alias === this.v2) this.bound = true;
    if (infoHash === this.v1 && message.interval !== undefined) this.joined = true;
    if (infoHash !== this.v2 || message.offer !== undefined) return;
    const peerId = this.pending.shift();
    if (peerId !== undefined) this.squats.push({ peerId, taken: message['failure reason'] === undefined });
  }

  /** The tab's id, read from its offer: announced under the v2 hash before the tab does. */
  private squat(peerId: string): void {
    if (this.squats.some((s) => s.peerId === peerId) || this.pending.includes(peerId)) return;
    if (this.squats.length + this.pending.length >= MAX_SQUATS) return;
    this.pending.push(peerId);
    this.announce(this.v2, peerId);
  }
}

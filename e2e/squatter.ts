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
  /** The tracker's failure reason, when refused. */
  reason?: string;
}

const binary = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const hexBinary = (hex: string) => binary(Buffer.from(hex, 'hex'));

export class Squatter {
  readonly squats: SquatResult[] = [];
  private readonly ws: WebSocket;
  private readonly url: string;
  private readonly junk = binary(randomBytes(20));
  private readonly v1: string;
  private readonly v2: string;
  private bound = false;
  private joined = false;
  /** Peer ids the stranger announced under the v2 hash. */
  private readonly attempted = new Set<string>();
  private readonly squatters: WebSocket[] = [];

  constructor(url: string, infoHashHex: string, infoHashV2Hex: string) {
    this.v1 = hexBinary(infoHashHex);
    this.v2 = hexBinary(infoHashV2Hex.slice(0, 40));
    this.ws = new WebSocket(url);
    this.url = url;
    this.ws.on('message', (data) => this.onMessage(JSON.parse(String(data)) as Record<string, unknown>));
  }

  /** Binds the v2 hash to a junk hash, then joins the v1 swarm to read the tab's offers. */
  async setUp(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
    this.send(this.ws, this.junk, binary(randomBytes(20)), { info_hash_alias: this.v2 });
    await until(() => this.bound, { timeoutMs: 5_000, what: 'the junk hash bound to the v2 hash' });
    this.send(this.ws, this.v1, binary(randomBytes(20)));
    await until(() => this.joined, { timeoutMs: 5_000, what: 'the stranger in the v1 swarm' });
  }

  close(): void {
    for (const ws of [this.ws, ...this.squatters]) ws.close();
  }

  private send(ws: WebSocket, infoHash: string, peerId: string, extra: Record<string, unknown> = {}): void {
    const message = { action: 'announce', info_hash: infoHash, peer_id: peerId, event: 'started' };
    ws.send(
      JSON.stringify({ ...message, numwant: 0, offers: [], uploaded: 0, downloaded: 0, left: 0, ...extra }),
    );
  }

  private onMessage(message: Record<string, unknown>): void {
    const infoHash = message.info_hash;
    if (typeof message.offer === 'object' && infoHash === this.v1) return this.squat(String(message.peer_id));
    if (infoHash === this.junk && message.info_hash_alias === this.v2) this.bound = true;
    if (infoHash === this.v1 && message.interval !== undefined) this.joined = true;
  }

  /** The tab's id, read from its offer: announced under the v2 hash before the tab does, from a connection of its
   * own (the tracker lets one connection hold one peer id per swarm, and the binding one holds the junk hash's). */
  private squat(peerId: string): void {
    if (this.attempted.has(peerId) || this.attempted.size >= MAX_SQUATS) return;
    this.attempted.add(peerId);
    const ws = new WebSocket(this.url);
    this.squatters.push(ws);
    ws.on('open', () => this.send(ws, this.v2, peerId));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (message.info_hash !== this.v2 || message.offer !== undefined) return;
      const reason = message['failure reason'];
      if (typeof reason === 'string') this.squats.push({ peerId, taken: false, reason });
      else if (message.interval !== undefined) this.squats.push({ peerId, taken: true });
    });
  }
}

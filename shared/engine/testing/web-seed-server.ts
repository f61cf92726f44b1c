// A simulated web seed (BEP 19): an HTTP server on a host of the simulated network, with its own upload capacity
// and access latency, answering the sessions' range requests (the `webseed-fetch` action) from the torrent's own
// bytes. A request crosses the path to the server; the answer then leaves the server's uplink in chunks, taking
// turns with the other answers in flight as concurrent HTTP responses share a link, and crosses the client's
// downlink like any peer's blocks. Each chunk arrives as `webseed-data`, the last one followed by `webseed-end`.
// Files the server does not hold are answered 404. No I/O: the engine tests and the lab run it on the virtual clock.
import type { FileEntry } from '../../codec/metainfo-files';
import type { EngineAction, EngineEvent } from '../contract/engine-types';
import type { Channel, Host, Network } from './network';

/** Bytes of a range request's line and headers on the wire. */
export const REQUEST_BYTES = 400;
/** Bytes of the answer's status line and headers, sent before its body. */
export const RESPONSE_HEADER_BYTES = 300;
/** The body leaves the server in chunks of this size (a TCP window's worth, interleaving with other answers). */
export const CHUNK_BYTES = 16 * 1024;

export interface WebSeedServerOptions {
  /** The seed's URL as the torrent's `url-list` names it. */
  url: string;
  /** Upload capacity, bytes per second. */
  upload: number;
  /** One-way latency of its access link, ms (default: half the network's). */
  latencyMs?: number;
  /** Files (by index in the torrent's order) it answers 404 for. */
  missingFiles?: ReadonlySet<number>;
}

/** What the server serves from: the torrent's files and their bytes, concatenated. */
export interface ServedTorrent {
  files: readonly FileEntry[];
  data: Uint8Array;
}

/** The client side of one request: who asked (a host of the network), and where its answers go. */
export interface WebSeedClient {
  host: Host;
  /** A name for the server's records (the requests it answered, the bytes it sent each client). */
  name: string;
}

type Fetch = Extract<EngineAction, { type: 'webseed-fetch' }>;

export class SimWebSeedServer {
  readonly url: string;
  readonly host: Host;
  /** Body bytes that left the server, in all. */
  bytesServed = 0;
  /** Body bytes that left the server, by client name. */
  readonly servedTo = new Map<string, number>();
  /** Range requests answered (or being answered), in the order they reached the server. */
  readonly requests: { client: string; file: number; start: number; end: number }[] = [];
  private readonly answers = new Map<string, Channel>();

  constructor(
    private readonly network: Network,
    private readonly torrent: ServedTorrent,
    private readonly options: WebSeedServerOptions,
  ) {
    this.url = options.url;
    this.host = network.addHost({
      upload: options.upload,
      download: Infinity,
      ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    });
  }

  /** Carries out a client's `webseed-fetch`: the request goes out, the answer comes back on the virtual clock. */
  fetch(client: WebSeedClient, action: Fetch, emit: (event: EngineEvent) => void): void {
    const key = answerKey(client, action.request);
    const ask = this.network.channel(client.host, this.host);
    const answer = this.network.channel(this.host, client.host);
    this.answers.set(key, answer);
    this.network.send(ask, REQUEST_BYTES, () => {
      if (this.answers.get(key) !== answer) return; // aborted on the way
      this.requests.push({ client: client.name, file: action.file, start: action.start, end: action.end });
      this.answer(client, action, answer, emit);
    });
  }

  /** The client stops a request: what is queued of its answer never leaves, nothing more reaches the client. */
  abort(client: WebSeedClient, request: number): void {
    const key = answerKey(client, request);
    const answer = this.answers.get(key);
    if (!answer) return;
    this.answers.delete(key);
    this.network.abort(answer, () => {});
  }

  private answer(
    client: WebSeedClient,
    action: Fetch,
    answer: Channel,
    emit: (event: EngineEvent) => void,
  ): void {
    const entry = this.torrent.files[action.file];
    const key = answerKey(client, action.request);
    const done = () => this.answers.delete(key);
    if (!entry || entry.pad || this.options.missingFiles?.has(action.file)) {
      this.network.send(answer, RESPONSE_HEADER_BYTES, () => {
        done();
        emit({
          type: 'webseed-failed',
          request: action.request,
          status: 404,
          reason: 'the server has no such file',
        });
      });
      return;
    }
    const start = action.whole ? 0 : action.start;
    const end = action.whole ? entry.length : Math.min(action.end, entry.length);
    for (let at = start; at < end; at += CHUNK_BYTES) {
      const to = Math.min(end, at + CHUNK_BYTES);
      const bytes = this.torrent.data.subarray(entry.offset + at, entry.offset + to);
      const header = at === start ? RESPONSE_HEADER_BYTES : 0;
      this.network.send(answer, header + bytes.length, () => {
        this.bytesServed += bytes.length;
        this.servedTo.set(client.name, (this.servedTo.get(client.name) ?? 0) + bytes.length);
        emit({ type: 'webseed-data', request: action.request, data: bytes });
        if (to < end) return;
        done();
        emit({ type: 'webseed-end', request: action.request });
      });
    }
  }
}

function answerKey(client: WebSeedClient, request: number): string {
  return `${client.host.id}:${request}`;
}

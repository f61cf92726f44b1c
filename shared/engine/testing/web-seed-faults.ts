// A simulated web seed with the faults real servers have, as the worker's fetcher reports them to the engine
// (web/src/net/web-seed-fetch.ts): a 503 with Retry-After, a range answered with 200 and the whole file (which the
// fetcher refuses, so the engine asks for the file whole), and a file whose bytes differ from the torrent's. Each
// answer crosses the network like the fault-free server's (web-seed-server.ts), on the virtual clock; every request
// is logged with the virtual time the client sent it, so a test reads what was asked and when.
import type { EngineAction, EngineEvent } from '../contract/engine-types';
import type { Network } from './network';
import {
  REQUEST_BYTES,
  RESPONSE_HEADER_BYTES,
  SimWebSeedServer,
  type ServedTorrent,
  type WebSeedClient,
  type WebSeedServerOptions,
} from './web-seed-server';

type Fetch = Extract<EngineAction, { type: 'webseed-fetch' }>;

export interface WebSeedFaults {
  /** Files (by index) answered 503 with this Retry-After (ms) the first `times` times they are asked for. */
  busy?: ReadonlyMap<number, { times: number; retryAfterMs: number }>;
  /** A range is answered with 200 and the whole file: the fetcher refuses it, and only a whole file is served. */
  noRanges?: boolean;
  /** Files (by index) whose byte at this offset (within the file) differs on the server. */
  altered?: ReadonlyMap<number, number>;
}

/** One request as it reached the server, and what it was answered. */
export interface LoggedRequest {
  client: string;
  file: number;
  start: number;
  end: number;
  whole: boolean;
  /** Virtual time the client sent it. */
  at: number;
  answer: 'busy' | 'no-ranges' | 'served';
}

/** The torrent's bytes as the server holds them: with the `altered` bytes flipped. */
function alteredCopy(
  torrent: ServedTorrent,
  altered: ReadonlyMap<number, number> | undefined,
): ServedTorrent {
  if (!altered || altered.size === 0) return torrent;
  const data = torrent.data.slice();
  for (const [file, at] of altered) data[torrent.files[file].offset + at] ^= 0xff;
  return { files: torrent.files, data };
}

export class FaultyWebSeedServer extends SimWebSeedServer {
  readonly log: LoggedRequest[] = [];
  private readonly busyLeft = new Map<number, number>();
  private readonly aborted = new Set<string>();

  constructor(
    private readonly net: Network,
    torrent: ServedTorrent,
    options: WebSeedServerOptions,
    private readonly faults: WebSeedFaults,
  ) {
    super(net, alteredCopy(torrent, faults.altered), options);
    for (const [file, { times }] of faults.busy ?? []) this.busyLeft.set(file, times);
  }

  override fetch(client: WebSeedClient, action: Fetch, emit: (event: EngineEvent) => void): void {
    const refusal = this.refusal(action);
    this.logged(client, action, refusal?.answer ?? 'served');
    if (!refusal) return super.fetch(client, action, emit);
    const key = `${client.name}:${action.request}`;
    this.net.send(this.net.channel(client.host, this.host), REQUEST_BYTES, () => {
      if (this.aborted.delete(key)) return;
      this.net.send(this.net.channel(this.host, client.host), RESPONSE_HEADER_BYTES, () => {
        if (!this.aborted.delete(key))
          emit({ type: 'webseed-failed', request: action.request, ...refusal.event });
      });
    });
  }

  override abort(client: WebSeedClient, request: number): void {
    this.aborted.add(`${client.name}:${request}`);
    super.abort(client, request);
  }

  /** The fault this request meets, as the fetcher would report it (undefined: it is served). */
  private refusal(action: Fetch) {
    const busy = this.faults.busy?.get(action.file);
    const left = this.busyLeft.get(action.file) ?? 0;
    if (busy && left > 0) {
      this.busyLeft.set(action.file, left - 1);
      const event = { reason: 'the server answered 503', status: 503, retryAfterMs: busy.retryAfterMs };
      return { answer: 'busy' as const, event };
    }
    if (this.faults.noRanges && !action.whole) {
      const event = { reason: 'the server does not send parts of files', status: 200 };
      return { answer: 'no-ranges' as const, event };
    }
    return undefined;
  }

  private logged(client: WebSeedClient, action: Fetch, answer: LoggedRequest['answer']): void {
    const { file, start, end } = action;
    this.log.push({
      client: client.name,
      file,
      start,
      end,
      whole: action.whole === true,
      at: this.net.now,
      answer,
    });
  }
}

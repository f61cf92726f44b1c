// Test helper: a small HTTP server on loopback that serves files by byte range, as a web seed (BEP 19) would, and
// records every request's method, path, headers and times. It can be told to misbehave: a file missing (404), busy (503
// with Retry-After), ranges ignored (200 with the whole file), a redirect, no CORS header, answers held until
// released. It counts the file bytes it served. It can also send at a real server's rate (`pace`: bytes per second,
// shared by every answer in flight, paced-body.ts). Files are given by their
// decoded URL path ("/share #/a b.bin"), so names with `#`, `?`, `%`, spaces and accents are served as a browser
// asks for them.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pacer, sendPaced } from './paced-body';

export interface RecordedRequest {
  method: string;
  /** The path as sent (still percent-encoded). */
  rawPath: string;
  /** The path decoded. */
  path: string;
  headers: IncomingHttpHeaders;
  /** When it came (ms since the epoch): a retry's wait is read from the log. */
  at: number;
  /** When its answer was sent whole, or the client left (Date.now()). */
  endedAt?: number;
}

export interface RangeFaults {
  /** Paths answered 404. */
  notFound?: Set<string>;
  /** Paths answered 503 with this Retry-After (seconds), `times` times each, then served. */
  busy?: Map<string, { times: number; retryAfter: number }>;
  /** Answers every range request with 200 and the whole file. */
  noRanges?: boolean;
  /** Paths answered by a 302 to another path. */
  redirects?: Map<string, string>;
  /** Leaves out Access-Control-Allow-Origin. */
  noCors?: boolean;
  /** Holds every file's answer until `release()`: a test acts while a seed's requests are in flight. */
  hold?: boolean;
}

export interface RangeServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  requests: RecordedRequest[];
  faults: RangeFaults;
  /** Files by decoded path; may be changed while the server runs. */
  files: Map<string, Uint8Array>;
  /** Bytes of file data sent whole to a client still connected. */
  readonly served: number;
  /** Bytes of file data held (`hold`) for clients still connected. */
  held(): number;
  /** The rate the server sends file data at, in bytes per second shared by every answer (undefined: at once). */
  pace: number | undefined;
  /** Ends `hold`: the answers held are sent to the clients still connected. */
  release(): void;
  close(): Promise<void>;
}

/** Parses `bytes=a-b` or `bytes=a-` against a length; undefined when it is not one satisfiable range. */
function parseRange(header: string | undefined, length: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === '' ? length - 1 : Math.min(Number(match[2]), length - 1);
  return start <= end ? { start, end } : undefined;
}

/** A CORS preflight answered as a bucket configured for any origin answers it: every method and header asked for
 * allowed (none when the server sends no CORS header at all). */
function preflight(
  response: ServerResponse,
  headers: IncomingHttpHeaders,
  cors: Record<string, string>,
): void {
  const allow =
    'Access-Control-Allow-Origin' in cors
      ? {
          ...cors,
          'Access-Control-Allow-Methods': 'GET, HEAD',
          'Access-Control-Allow-Headers': headers['access-control-request-headers'] ?? '',
        }
      : {};
  response.writeHead(204, allow);
  response.end();
}

/** Starts a range server on a free loopback port. */
export async function startRangeServer(
  files: Map<string, Uint8Array>,
  faults: RangeFaults = {},
): Promise<RangeServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const rawPath = (request.url ?? '/').split('?')[0];
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      rawPath,
      path,
      headers: request.headers,
      at: Date.now(),
    };
    requests.push(recorded);
    response.on('close', () => (recorded.endedAt ??= Date.now()));
    const cors: Record<string, string> = state.faults.noCors
      ? {}
      : { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Retry-After, Content-Range' };
    if (request.method === 'OPTIONS') return preflight(response, request.headers, cors);
    const redirect = state.faults.redirects?.get(path);
    if (redirect !== undefined) {
      response.writeHead(302, { ...cors, Location: redirect.split('/').map(encodeURIComponent).join('/') });
      return response.end();
    }
    const busy = state.faults.busy?.get(path);
    if (busy && busy.times > 0) {
      busy.times--;
      response.writeHead(503, { ...cors, 'Retry-After': String(busy.retryAfter) });
      return response.end();
    }
    const data = state.files.get(path);
    if (!data || state.faults.notFound?.has(path)) {
      response.writeHead(404, cors);
      return response.end();
    }
    const common = { ...cors, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    const range = state.faults.noRanges ? undefined : parseRange(request.headers.range, data.length);
    const body =
      request.method === 'HEAD' ? undefined : range ? data.subarray(range.start, range.end + 1) : data;
    const send = () => {
      if (response.destroyed) return;
      response.on('finish', () => (state.served += body?.length ?? 0));
      if (!range) response.writeHead(200, { ...common, 'Content-Length': String(data.length) });
      else
        response.writeHead(206, {
          ...common,
          'Content-Length': String(range.end - range.start + 1),
          'Content-Range': `bytes ${range.start}-${range.end}/${data.length}`,
        });
      if (state.pacer && body) void sendPaced(response, body, state.pacer);
      else response.end(body);
    };
    if (!state.faults.hold) return send();
    const waiting = { bytes: body?.length ?? 0, send };
    state.held.add(waiting);
    response.on('close', () => state.held.delete(waiting));
  });
  const state = {
    files,
    faults,
    served: 0,
    held: new Set<{ bytes: number; send: () => void }>(),
    pacer: undefined as Pacer | undefined,
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    get faults() {
      return state.faults;
    },
    set faults(value: RangeFaults) {
      state.faults = value;
    },
    files,
    get served() {
      return state.served;
    },
    get pace() {
      return state.pacer?.bytesPerSecond;
    },
    set pace(bytesPerSecond: number | undefined) {
      state.pacer = bytesPerSecond === undefined ? undefined : new Pacer(bytesPerSecond);
    },
    held: () => [...state.held].reduce((sum, waiting) => sum + waiting.bytes, 0),
    release() {
      state.faults.hold = false;
      const waiting = [...state.held];
      state.held.clear();
      for (const { send } of waiting) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

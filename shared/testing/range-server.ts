// Test helper: a small HTTP server on loopback that serves files by byte range, as a web seed (BEP 19) would, and
// records every request's method, path, headers and times. It can be told to misbehave: a file missing (404), busy (503
// with Retry-After), ranges ignored (200 with the whole file), a redirect, no CORS header, answers held until
// released, a body longer than the range, other bytes than asked, a body trickled. It serves over TLS when given a
// certificate (self-signed.ts). It counts the file bytes it served. It can also send at a real server's rate (`pace`: bytes per second,
// shared by every answer in flight, paced-body.ts). Files are given by their
// decoded URL path ("/share #/a b.bin"), so names with `#`, `?`, `%`, spaces and accents are served as a browser
// asks for them.
import {
  createServer,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { sendOverlong, sendTrickled, type Trickle } from './hostile-body';
import { Pacer, sendPaced } from './paced-body';
import type { Certificate } from './self-signed';

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
  /** Its answer was sent whole (false while it is being sent, or when the client left first). */
  whole: boolean;
}

export interface RangeFaults {
  /** Paths answered 404. */
  notFound?: Set<string>;
  /** Paths answered 503 with this Retry-After (seconds), `times` times each, then served. */
  busy?: Map<string, { times: number; retryAfter: number }>;
  /** Answers every range request with 200 and the whole file. */
  noRanges?: boolean;
  /** Paths answered by a 302 to another path, or to a whole URL (another server). */
  redirects?: Map<string, string>;
  /** Leaves out Access-Control-Allow-Origin. */
  noCors?: boolean;
  /** Holds every file's answer until `release()`: a test acts while a seed's requests are in flight. */
  hold?: boolean;
  /** Sends this many bytes more than each range (or whole file) asked for, with no Content-Length; a Content-Range
   * still says the range. */
  overlong?: number;
  /** Answers each range with the bytes this far after it, its Content-Range naming them. */
  otherBytes?: number;
  /** Sends each body a few bytes at a time. */
  trickle?: Trickle;
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

/** The range `by` bytes further on, cut at the file's end (the `otherBytes` fault). */
function shifted(range: { start: number; end: number }, by: number, length: number) {
  if (by === 0) return range;
  const start = Math.min(range.start + by, length - 1);
  return { start, end: Math.min(start + range.end - range.start, length - 1) };
}

/** An answer's headers: 200 with the whole file, or 206 with the range; no length when a fault sends more. */
function answerHeaders(
  cors: Record<string, string>,
  length: number,
  range: { start: number; end: number } | undefined,
  faults: RangeFaults,
): Record<string, string> {
  const common = { ...cors, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
  const contentRange: Record<string, string> = range
    ? { 'Content-Range': `bytes ${range.start}-${range.end}/${length}` }
    : {};
  if (faults.overlong) return { ...common, ...contentRange };
  const bytes = range ? range.end - range.start + 1 : length;
  return { ...common, ...contentRange, 'Content-Length': String(bytes) };
}

/** Sends a body as the faults say: with bytes no range asked for, trickled, paced, or at once. */
function sendBody(
  response: ServerResponse,
  body: Uint8Array | undefined,
  faults: RangeFaults,
  pacer: Pacer | undefined,
): void {
  if (body && faults.overlong) void sendOverlong(response, body, faults.overlong);
  else if (body && faults.trickle) sendTrickled(response, body, faults.trickle);
  else if (body && pacer) void sendPaced(response, body, pacer);
  else response.end(body);
}

/** Where a 302 sends `target`: a whole URL as it is, a path with each component encoded. */
const location = (target: string): string =>
  /^https?:/.test(target) ? target : target.split('/').map(encodeURIComponent).join('/');

/** Starts a range server on a free loopback port, over TLS when given a certificate. */
export async function startRangeServer(
  files: Map<string, Uint8Array>,
  faults: RangeFaults = {},
  tls?: Certificate,
): Promise<RangeServer> {
  const requests: RecordedRequest[] = [];
  const listener: RequestListener = (request, response) => {
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
      whole: false,
    };
    requests.push(recorded);
    response.on('close', () => (recorded.endedAt ??= Date.now()));
    response.on('finish', () => (recorded.whole = true));
    const cors: Record<string, string> = state.faults.noCors
      ? {}
      : { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Retry-After, Content-Range' };
    if (request.method === 'OPTIONS') return preflight(response, request.headers, cors);
    const redirect = state.faults.redirects?.get(path);
    if (redirect !== undefined) {
      response.writeHead(302, { ...cors, Location: location(redirect) });
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
    const asked = state.faults.noRanges ? undefined : parseRange(request.headers.range, data.length);
    const range = asked && shifted(asked, state.faults.otherBytes ?? 0, data.length);
    const body =
      request.method === 'HEAD' ? undefined : range ? data.subarray(range.start, range.end + 1) : data;
    const send = () => {
      if (response.destroyed) return;
      response.on('finish', () => (state.served += body?.length ?? 0));
      response.writeHead(range ? 206 : 200, answerHeaders(cors, data.length, range, state.faults));
      sendBody(response, body, state.faults, state.pacer);
    };
    if (!state.faults.hold) return send();
    const waiting = { bytes: body?.length ?? 0, send };
    state.held.add(waiting);
    response.on('close', () => state.held.delete(waiting));
  };
  const server: Server = tls ? createTlsServer(tls, listener) : createServer(listener);
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
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
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

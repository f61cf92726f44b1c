// Test helper: libtorrent 2.0 (Debian's python3-libtorrent) as the reference for BitTorrent v2 and hybrid torrents,
// driven through libtorrent-ref.py with the system Python (another python3 may come first on the PATH).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'libtorrent-ref.py');

/** Why the libtorrent tests cannot run here, or undefined when they can. */
export const libtorrentMissing: string | undefined = (() => {
  const probe = spawnSync(PYTHON, ['-c', 'import libtorrent'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  const reason = probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`;
  return `${PYTHON} cannot import libtorrent (install Debian's python3-libtorrent): ${reason}`;
})();

export interface LtFile {
  /** As libtorrent names it: "name/folder/file" in a multi-file torrent, "file" in a single-file one. */
  path: string;
  size: number;
  offset: number;
  pad: boolean;
  /** The pieces root in hex, null for an empty file or a pad file (and in a v1 torrent). */
  root: string | null;
}

export interface LtTorrent {
  v1: string | null;
  v2: string | null;
  name: string;
  piece_length: number;
  num_pieces: number;
  files: LtFile[];
}

export interface LtCheck {
  progress_ppm: number;
  state: string;
  have: number;
  num_pieces: number;
}

function run<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`libtorrent-ref.py ${args[0]} failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}

/** libtorrent makes a hybrid (or v2-only, or v1-only) .torrent of a file or folder at `out`, and describes it. */
export const ltCreate = (
  path: string,
  pieceLength: number,
  kind: 'hybrid' | 'v2' | 'v1',
  out: string,
  webSeed?: string,
): Promise<LtTorrent> =>
  run(['create', path, String(pieceLength), kind, out, ...(webSeed !== undefined ? [webSeed] : [])]);

/** libtorrent reads a .torrent. */
export const ltDescribe = (torrent: string): Promise<LtTorrent> => run(['describe', torrent]);

/** libtorrent downloads a .torrent into `savePath` from its web seeds (`url-list`) alone. */
export const ltWebSeed = (torrent: string, savePath: string): Promise<LtCheck> =>
  run(['webseed', torrent, savePath]);

/** libtorrent checks the files under `savePath` against a .torrent (v1 pieces and v2 trees). */
export const ltCheck = (torrent: string, savePath: string): Promise<LtCheck> =>
  run(['check', torrent, savePath]);

/** One line libtorrent-ref.py's `peer` command printed (see its docstring). */
export interface LtPeerEvent {
  event: string;
  /** When the test read it (ms, `Date.now()`): a failure's timeline. */
  readAt?: number;
  [field: string]: unknown;
}

export interface LtPeerOptions {
  torrent: string;
  savePath: string;
  /** 0 (default): a free port, reported in `port`. */
  listenPort?: number;
  /** Peers to connect to at once (`host:port`). */
  peers?: string[];
}

/** A running libtorrent peer (a process of its own, stopped by pid). */
export interface LtPeer {
  readonly pid: number;
  /** Its TCP listen port. */
  readonly port: number;
  /** Everything it printed so far, in order. */
  readonly events: LtPeerEvent[];
  /** The last progress it reported, in millionths: while libtorrent checks its files, the check's progress. */
  progress(): number;
  /** Whether its last status said it seeds: every piece checked and the torrent ready for peers. A seeder still
   * in its checking state already reports a progress of 1,000,000 and refuses peers ("torrent not ready"), and a
   * paused one that reports it seeds refuses them too. */
  seeding(): boolean;
  /** Its last status's state, as libtorrent names it (`checking_files`, `downloading`, `seeding`, …). */
  state(): string | undefined;
  /** The wire messages it sent (`out`) or received (`in`), by libtorrent's names (HAVE_ALL, HASH_REQUEST, …). */
  messages(direction: 'in' | 'out'): Set<string>;
  /** What it printed on stderr so far (the last STDERR_KEPT characters): Python's traceback where it died. */
  stderr(): string;
  /** Asks it to connect to a peer. */
  connect(host: string, port: number): void;
  /** Stops it (SIGKILL after 2 s) and waits for its exit. */
  stop(): Promise<void>;
}

/** The characters of a peer's stderr kept: enough for a Python traceback or faulthandler's thread stacks. */
const STDERR_KEPT = 4000;

/** Starts a libtorrent session that seeds or downloads `torrent` over TCP on 127.0.0.1 (no DHT, LSD, UPnP, NAT-PMP,
 * uTP); resolves once it listens. */
export function startLtPeer(options: LtPeerOptions): Promise<LtPeer> {
  const args = [SCRIPT, 'peer', options.torrent, options.savePath, String(options.listenPort ?? 0)];
  const child = spawn(PYTHON, [...args, ...(options.peers ?? [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: LtPeerEvent[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT)));
  // Its exit is an event too: a failure's timeline must tell a peer that died (with what it said) from one that hangs.
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      events.push({ event: 'exited', code, signal, readAt: Date.now() });
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error(`libtorrent peer exited before listening: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event: LtPeerEvent = { ...(JSON.parse(line) as LtPeerEvent), readAt: Date.now() };
      events.push(event);
      if (event.event === 'listening')
        resolve(ltPeer(child, { port: event.port as number, events, exited, stderr: () => stderr }));
    });
  });
}

function lastStatus(events: LtPeerEvent[]): LtPeerEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (events[i].event === 'status') return events[i];
  return undefined;
}

interface LtPeerParts {
  port: number;
  events: LtPeerEvent[];
  exited: Promise<void>;
  stderr: () => string;
}

function ltPeer(child: ChildProcess, { port, events, exited, stderr }: LtPeerParts): LtPeer {
  return {
    pid: child.pid!,
    port,
    events,
    stderr,
    progress() {
      return Number(lastStatus(events)?.progress_ppm ?? 0);
    },
    seeding() {
      const status = lastStatus(events);
      return status?.seeding === true && status.paused !== true;
    },
    state() {
      const state = lastStatus(events)?.state;
      return typeof state === 'string' ? state : undefined;
    },
    messages(direction) {
      const wire = events.filter((event) => event.event === 'wire' && event.direction === direction);
      return new Set(wire.map((event) => event.message as string));
    },
    connect(host, port) {
      child.stdin?.write(`connect ${host} ${port}\n`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGTERM');
      const killer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 2000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The kind of an event for a timeline: its name, and for a logged message its direction and name. */
function eventKind(event: LtPeerEvent): string {
  if (event.event === 'wire') return `wire ${String(event.direction)} ${String(event.message)}`;
  const message = /(<==|==>) (\S+)/.exec(String(event.text ?? ''));
  return message ? `${event.event} ${message[1]} ${message[2]}` : event.event;
}

/** What a peer printed but its statuses (the last one, and how many), each with the seconds since its first event,
 * and a run of one kind (a peer's hundreds of rejects) as one line with its count: for a failure message that has to
 * say what libtorrent did and when, and whether it went on printing or died. */
export function ltTimeline(peer: LtPeer, limit = 120): string {
  const start = peer.events[0]?.readAt ?? 0;
  const seconds = (event: LtPeerEvent) => (((event.readAt ?? start) - start) / 1000).toFixed(2);
  const runs: { first: LtPeerEvent; last: LtPeerEvent; count: number }[] = [];
  for (const event of peer.events) {
    if (event.event === 'status') continue;
    const run = runs.at(-1);
    if (run && eventKind(run.first) === eventKind(event)) {
      run.last = event;
      run.count++;
    } else runs.push({ first: event, last: event, count: 1 });
  }
  const lines = runs.slice(-limit).map(({ first, last, count }) => {
    const { event: name, readAt: _readAt, ...rest } = first;
    const times =
      count > 1 ? `${count} times, +${seconds(first)}s to +${seconds(last)}s, first` : `+${seconds(first)}s`;
    return `${times}: ${name} ${JSON.stringify(rest)}`;
  });
  const cut = runs.length > limit ? [`(${runs.length - limit} earlier runs of events left out)`] : [];
  const status = lastStatus(peer.events);
  const statuses = peer.events.filter((event) => event.event === 'status').length;
  const said = status ? `${statuses} statuses, the last at +${seconds(status)}s: ` : '';
  const stderr = peer.stderr().trim();
  return [
    ...cut,
    ...lines,
    `last status: ${said}${JSON.stringify(status ?? null)}`,
    ...(stderr ? [`stderr: ${stderr}`] : []),
  ].join('\n');
}

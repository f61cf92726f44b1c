// The tracker's side of its keeper: forks the keeper process, asks it things over IPC with a deadline, and starts
// another when it dies (that one resumes from the folder). A request that comes while the process starts (the
// tracker's first seconds, or a second after a crash) waits for it, a bounded while and a bounded number of them:
// refused at once, a user who pressed `Keep online` as the tracker came up would have to press it again. Past that,
// while none runs, requests are answered in words.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KeeperAnswer, KeeperProcessConfig, KeeperReply, KeeperRequest } from './keeper-messages';

/** How long a request waits for the keeper's answer, in ms. */
const ANSWER_DEADLINE_MS = 30_000;
/** How long after the keeper process dies another is started, in ms. */
const RESTART_MS = 1_000;
/** How long a request waits for a keeper process that is starting, in ms: a start takes one to three seconds (from
 * the sources through tsx, under load); one that crashes as it starts is not waited for longer. */
export const START_WAIT_MS = 10_000;
/** Requests that may wait for a starting keeper at once; more are answered at once (each holds a connection). */
export const MAX_WAITING_FOR_START = 64;

export const KEEPER_DOWN = 'The keeper is not running right now; try again in a minute.';

type Request = KeeperRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** V8's young generation held to 2 MiB semi-spaces: by default they grow to 16 MiB each under the keeper's stream of
 * short-lived block messages, 28 MiB more resident memory for no measurable gain in its rate. */
const KEEPER_V8_FLAGS = ['--max-semi-space-size=2'];

/** glibc's allocator: blocks of 128 KiB and more (pieces being assembled, 4 MiB at 4 GiB) are mapped on their own and
 * handed back when freed. Without a fixed threshold glibc raises it to the largest block freed, after which pieces
 * come from the heap, whose freed pages it keeps. Two arenas keep the memory of node-datachannel's and libuv's threads
 * (each would get its own) flat across transfers. */
const KEEPER_MALLOC_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/** `script` when given; else the bundle's keeper.js beside the tracker's main.js; from the sources, the TypeScript
 * file through tsx. */
function keeperEntry(script?: string): { path: string; execArgv: string[] } {
  if (script !== undefined) return { path: script, execArgv: KEEPER_V8_FLAGS };
  const built = fileURLToPath(new URL('./keeper.js', import.meta.url));
  if (existsSync(built)) return { path: built, execArgv: KEEPER_V8_FLAGS };
  return {
    path: fileURLToPath(new URL('./keeper-process.ts', import.meta.url)),
    execArgv: ['--import', 'tsx', ...KEEPER_V8_FLAGS],
  };
}

export class KeeperLink {
  private child: ChildProcess | undefined;
  private ready = false;
  private closed = false;
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: KeeperAnswer | undefined) => void>();
  /** Requests waiting for the process to be ready: each runs when it is, or gives up. */
  private readonly forStart = new Set<() => void>();

  constructor(
    private readonly config: KeeperProcessConfig,
    private readonly logError: (line: string) => void,
    /** The keeper process's script (a built keeper.js); see keeperEntry. */
    private readonly script?: string,
  ) {
    this.start();
  }

  /** The keeper's answer, or undefined when it is down or too slow. While the process starts, the request waits for
   * it up to START_WAIT_MS (at most MAX_WAITING_FOR_START requests at once). */
  ask(request: Request): Promise<KeeperAnswer | undefined> {
    if (this.ready) return this.send(request);
    if (this.closed || this.forStart.size >= MAX_WAITING_FOR_START) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => run(), START_WAIT_MS);
      const run = () => {
        clearTimeout(timer);
        this.forStart.delete(run);
        resolve(this.ready ? this.send(request) : undefined);
      };
      this.forStart.add(run);
    });
  }

  /** Sends `request` to a ready process: its answer, or undefined past ANSWER_DEADLINE_MS or when it exits. */
  private send(request: Request): Promise<KeeperAnswer | undefined> {
    const child = this.child;
    if (!child || !this.ready) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), ANSWER_DEADLINE_MS);
      const finish = (answer: KeeperAnswer | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(answer);
      };
      this.waiting.set(id, finish);
      child.send({ ...request, id });
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const run of [...this.forStart]) run();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  private start(): void {
    const entry = keeperEntry(this.script);
    const child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      env: { ...KEEPER_MALLOC_ENV, ...process.env, KEEPER_CONFIG: JSON.stringify(this.config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.ready = false;
    child.on('message', (reply: KeeperReply) => {
      if (reply.id === 0) {
        this.ready = true;
        for (const run of [...this.forStart]) run();
      } else this.waiting.get(reply.id)?.(reply.answer);
    });
    child.on('error', (error) => this.logError(`keeper: ${error.message}`));
    child.on('exit', (code, signal) => {
      this.ready = false;
      for (const finish of [...this.waiting.values()]) finish(undefined);
      if (this.closed) return;
      this.logError(`keeper: its process exited (${signal ?? code}); starting another`);
      setTimeout(() => this.closed || this.start(), RESTART_MS).unref();
    });
  }
}

// Tabs of one browser profile share one engine. The tab holding the engine lock runs the worker and the connections
// (the engine tab); every other tab is a remote view of it: it shows the list the engine tab publishes and carries the
// user's actions to it as calls over a same-origin channel (a `BroadcastChannel` in the app, an in-memory hub in
// tests), each answered with a result or an error. A call not answered when the engine tab vanishes is sent again to
// the next engine tab (adding a torrent twice is harmless: the worker answers with the torrent it has), or run
// locally when this tab becomes the engine.
import { isIndex, isObject, parseCall, type Call, type Result } from '../../lib/messages/actions';
import type { TorrentView } from '../../lib/messages/protocol';
import type { TrackerStatus } from '../../lib/links/trackers';

export { parseCall, type Call, type Result } from '../../lib/messages/actions';

/** The engine as the app's state sees it, local (the worker in this tab) or remote (another tab's). */
export interface Engine {
  call<C extends Call>(call: C): Promise<Result<C>>;
}

/** What the engine tab shows, published to the other tabs. */
export interface SharedView {
  ready: boolean;
  /** Changes when the torrents do (a view published for another reason, a tracker's state, carries the same). */
  version: number;
  torrents: TorrentView[];
  trackers: Record<string, TrackerStatus[]>;
  uploadLimitKiB: number;
  relayOnly: boolean;
  relayAvailable: boolean;
  fatal?: string;
}

export type TabMessage =
  /** A view tab asks for the engine and its view (sent on start, then now and then while the tab lives). */
  | { type: 'hello'; from: string }
  /** The engine tab is (now) this one; with its latest view when it answers a hello. */
  | { type: 'engine'; engine: string; view?: SharedView }
  | { type: 'view'; engine: string; view: SharedView }
  | { type: 'call'; from: string; to: string; id: number; call: Call }
  | { type: 'result'; to: string; id: number; ok: true; value?: unknown }
  | { type: 'result'; to: string; id: number; ok: false; error: string };

/** A same-origin channel between the tabs: what one posts, every other one receives (never the poster itself). */
export interface TabTransport {
  post(message: TabMessage): void;
  onmessage: ((data: unknown) => void) | null;
  close(): void;
}

export function broadcastTransport(name = 'swarmdrop-tabs'): TabTransport {
  const channel = new BroadcastChannel(name);
  const transport: TabTransport = {
    post: (message) => channel.postMessage(message),
    onmessage: null,
    close: () => channel.close(),
  };
  channel.onmessage = (event: MessageEvent) => transport.onmessage?.(event.data);
  return transport;
}

/** Calls a view tab keeps waiting for an engine; more are refused at once. */
export const MAX_WAITING_CALLS = 64;
/** Calls from other tabs the engine tab runs at once; more are answered with an error. */
export const MAX_HOSTED_CALLS = 64;
/** A view tab says hello this often; the engine tab publishes its view while it heard one in the last 3 periods. */
export const HELLO_MS = 5_000;
export class TabCallError extends Error {
  override name = 'TabCallError';
}

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 64;

function isSharedView(value: unknown): value is SharedView {
  return (
    isObject(value) &&
    typeof value.ready === 'boolean' &&
    typeof value.version === 'number' &&
    Array.isArray(value.torrents) &&
    isObject(value.trackers) &&
    typeof value.uploadLimitKiB === 'number' &&
    typeof value.relayOnly === 'boolean' &&
    typeof value.relayAvailable === 'boolean'
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A fresh id for this tab. */
export function newTabId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface EngineHostOptions {
  transport: TabTransport;
  id: string;
  /** Runs a call on this tab's engine. */
  perform: (call: Call) => Promise<unknown>;
  /** Time in milliseconds (passed in for tests). */
  now?: () => number;
}

/** The engine tab's side: answers the other tabs' calls and publishes the view while any tab listens. */
export class EngineHost {
  private inFlight = 0;
  private lastHello = -Infinity;
  private latest: SharedView | undefined;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: EngineHostOptions) {
    this.now = options.now ?? (() => Date.now());
    options.transport.onmessage = (data) => this.onMessage(data);
    options.transport.post({ type: 'engine', engine: options.id });
  }

  /** The view changed: other tabs get it (only while some tab said hello lately; posting costs a copy). */
  publish(view: SharedView): void {
    this.latest = view;
    if (this.closed || this.now() - this.lastHello > 3 * HELLO_MS) return;
    this.options.transport.post({ type: 'view', engine: this.options.id, view });
  }

  close(): void {
    this.closed = true;
    this.options.transport.onmessage = null;
  }

  private onMessage(data: unknown): void {
    if (this.closed || !isObject(data)) return;
    if (data.type === 'hello' && isId(data.from)) {
      this.lastHello = this.now();
      this.options.transport.post({
        type: 'engine',
        engine: this.options.id,
        ...(this.latest ? { view: this.latest } : {}),
      });
      return;
    }
    if (data.type !== 'call' || data.to !== this.options.id || !isId(data.from) || !isIndex(data.id)) return;
    const from = data.from;
    const id = data.id;
    const call = parseCall(data.call);
    if (!call) {
      this.options.transport.post({
        type: 'result',
        to: from,
        id,
        ok: false,
        error: 'Not a request the engine knows',
      });
      return;
    }
    if (this.inFlight >= MAX_HOSTED_CALLS) {
      this.options.transport.post({
        type: 'result',
        to: from,
        id,
        ok: false,
        error: 'The tab that runs SwarmDrop is busy with too many requests; try again in a moment',
      });
      return;
    }
    this.inFlight++;
    this.options
      .perform(call)
      .then(
        (value) => ({ type: 'result' as const, to: from, id, ok: true as const, value }),
        (error: unknown) => ({
          type: 'result' as const,
          to: from,
          id,
          ok: false as const,
          error: message(error),
        }),
      )
      .then((result) => {
        this.inFlight--;
        if (!this.closed) this.options.transport.post(result);
      });
  }
}

interface Waiting {
  call: Call;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** The engine tab it was last sent to. */
  sentTo?: string;
}

export interface RemoteListener {
  view(view: SharedView): void;
  /** An engine tab answered (or a new one took over). */
  engine?(id: string): void;
}

export interface RemoteEngineOptions {
  transport: TabTransport;
  id: string;
  listener: RemoteListener;
  /** Schedules the periodic hello (passed in for tests); returns a cancel function. */
  every?: (ms: number, run: () => void) => () => void;
}

/** A view tab's engine: every call travels to the engine tab and waits there for its answer. */
export class RemoteEngine implements Engine {
  private engineId: string | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private closed = false;
  private readonly stopHello: () => void;

  constructor(private readonly options: RemoteEngineOptions) {
    options.transport.onmessage = (data) => this.onMessage(data);
    const every =
      options.every ??
      ((ms, run) => {
        const timer = setInterval(run, ms);
        return () => clearInterval(timer);
      });
    this.stopHello = every(HELLO_MS, () => this.hello());
    this.hello();
  }

  /** The engine tab this tab last heard from. */
  get engine(): string | undefined {
    return this.engineId;
  }

  /** Calls still waiting for an answer. */
  get waitingCalls(): number {
    return this.waiting.size;
  }

  call<C extends Call>(call: C): Promise<Result<C>> {
    if (this.closed) return Promise.reject(new TabCallError('This tab no longer talks to the engine tab'));
    if (this.waiting.size >= MAX_WAITING_CALLS)
      return Promise.reject(
        new TabCallError(
          'Too many actions are waiting for the tab that runs SwarmDrop; try again in a moment',
        ),
      );
    const id = this.nextId++;
    return new Promise<Result<C>>((resolve, reject) => {
      const entry: Waiting = { call, resolve: resolve as (value: unknown) => void, reject };
      this.waiting.set(id, entry);
      this.send(id, entry);
    });
  }

  /**
   * This tab becomes the engine: the calls still waiting run on `perform` (the new local engine) and settle the
   * promises their callers hold. The channel is left to the caller (it hosts on it next).
   */
  handOver(perform: (call: Call) => Promise<unknown>): void {
    this.stop();
    const calls = [...this.waiting.values()];
    this.waiting.clear();
    for (const entry of calls) perform(entry.call).then(entry.resolve, entry.reject);
  }

  /** Stops listening; calls still waiting fail with a clear message. */
  close(): void {
    this.stop();
    for (const entry of this.waiting.values())
      entry.reject(new TabCallError('The tab closed before the engine tab answered'));
    this.waiting.clear();
  }

  private stop(): void {
    this.closed = true;
    this.stopHello();
    this.options.transport.onmessage = null;
  }

  private hello(): void {
    if (!this.closed) this.options.transport.post({ type: 'hello', from: this.options.id });
  }

  private send(id: number, entry: Waiting): void {
    if (!this.engineId) return; // sent when an engine tab answers
    entry.sentTo = this.engineId;
    this.options.transport.post({
      type: 'call',
      from: this.options.id,
      to: this.engineId,
      id,
      call: entry.call,
    });
  }

  private onMessage(data: unknown): void {
    if (this.closed || !isObject(data)) return;
    switch (data.type) {
      case 'engine':
        return this.onEngine(data);
      case 'view':
        if (data.engine === this.engineId && isSharedView(data.view)) this.options.listener.view(data.view);
        return;
      case 'result':
        return this.onResult(data);
    }
  }

  /** An engine tab announced itself, or answered our hello. */
  private onEngine(data: Record<string, unknown>): void {
    if (!isId(data.engine)) return;
    const fresh = data.engine !== this.engineId;
    if (fresh) {
      // A new engine tab: the calls the old one never answered go to it.
      this.engineId = data.engine;
      this.options.listener.engine?.(data.engine);
      for (const [id, entry] of this.waiting) if (entry.sentTo !== this.engineId) this.send(id, entry);
    }
    if (isSharedView(data.view)) this.options.listener.view(data.view);
    else if (fresh) this.hello(); // it announced itself unasked: ask for its view
  }

  /** The engine tab's answer to one of our calls. */
  private onResult(data: Record<string, unknown>): void {
    if (data.to !== this.options.id || !isIndex(data.id)) return;
    const entry = this.waiting.get(data.id);
    if (!entry) return;
    this.waiting.delete(data.id);
    if (data.ok === true) entry.resolve(data.value);
    else
      entry.reject(new TabCallError(typeof data.error === 'string' ? data.error : 'The engine tab failed'));
  }
}

/**
 * An in-memory channel for tests: what one transport posts reaches every other transport of the hub, as a
 * structured clone, asynchronously (like a `BroadcastChannel`).
 */
export class MemoryHub {
  private readonly members = new Set<TabTransport>();

  transport(): TabTransport {
    const members = this.members;
    const transport: TabTransport = {
      onmessage: null,
      post(message) {
        const copy = structuredClone(message);
        for (const other of members) {
          if (other === transport) continue;
          queueMicrotask(() => {
            if (members.has(other)) other.onmessage?.(copy);
          });
        }
      },
      close() {
        members.delete(transport);
      },
    };
    members.add(transport);
    return transport;
  }
}

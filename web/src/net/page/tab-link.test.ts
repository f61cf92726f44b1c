import { describe, expect, it } from 'vitest';
import {
  EngineHost,
  HELLO_MS,
  MAX_HOSTED_CALLS,
  MAX_WAITING_CALLS,
  MemoryHub,
  parseCall,
  RemoteEngine,
  TabCallError,
  type Call,
  type SharedView,
  type TabMessage,
} from './tab-link';
import { ALL_SAMPLES } from '../../lib/messages/testing/action-samples';

const T = 'ab'.repeat(20);

/** Lets the hub's deliveries (and the promises they settle) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function view(name: string): SharedView {
  return {
    ready: true,
    version: 1,
    torrents: [{ infoHashHex: T, name } as SharedView['torrents'][number]],
    trackers: {},
    uploadLimitKiB: 0,
    relayOnly: false,
    relayAvailable: false,
  };
}

/** An engine whose calls wait until the test answers them. */
function engineTab(hub: MemoryHub, id: string, now = () => 0) {
  const calls: Array<{ call: Call; resolve: (v: unknown) => void; reject: (e: Error) => void }> = [];
  const transport = hub.transport();
  const host = new EngineHost({
    transport,
    id,
    now,
    perform: (call) => new Promise((resolve, reject) => calls.push({ call, resolve, reject })),
  });
  return { host, calls, transport };
}

function viewTab(hub: MemoryHub, id: string) {
  const views: SharedView[] = [];
  const engines: string[] = [];
  let hello: (() => void) | undefined;
  const transport = hub.transport();
  const remote = new RemoteEngine({
    transport,
    id,
    listener: { view: (v) => views.push(v), engine: (e) => engines.push(e) },
    every: (_ms, run) => {
      hello = run;
      return () => (hello = undefined);
    },
  });
  return { remote, views, engines, transport, hello: () => hello?.() };
}

describe('tab link', () => {
  it('carries a call to the engine tab and its answer back to the asking tab only', async () => {
    const hub = new MemoryHub();
    const engine = engineTab(hub, 'engine-1');
    const asking = viewTab(hub, 'tab-a');
    const other = viewTab(hub, 'tab-b');
    await settle();
    const added = asking.remote.call({ op: 'add-magnet', link: `magnet:?xt=urn:btih:${T}` });
    await settle();
    expect(engine.calls.map((c) => c.call)).toEqual([{ op: 'add-magnet', link: `magnet:?xt=urn:btih:${T}` }]);
    engine.calls[0].resolve(T);
    await expect(added).resolves.toBe(T);
    expect(asking.remote.waitingCalls).toBe(0);
    expect(other.remote.waitingCalls).toBe(0);
  });

  it('carries a File of a share (structured clone) to the engine tab', async () => {
    const hub = new MemoryHub();
    const engine = engineTab(hub, 'engine-1');
    const tab = viewTab(hub, 'tab-a');
    await settle();
    const file = new File([new Uint8Array([1, 2, 3])], 'a.bin');
    void tab.remote.call({ op: 'share', files: [{ file, path: ['a.bin'] }], name: 'a.bin' });
    await settle();
    const call = engine.calls[0].call as Extract<Call, { op: 'share' }>;
    expect(call.files[0].file).toBeInstanceOf(Blob);
    expect(new Uint8Array(await call.files[0].file.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("returns the engine's error to the asking tab", async () => {
    const hub = new MemoryHub();
    const engine = engineTab(hub, 'engine-1');
    const tab = viewTab(hub, 'tab-a');
    await settle();
    const added = tab.remote.call({ op: 'add-magnet', link: 'nonsense' });
    await settle();
    engine.calls[0].reject(new Error('Not a magnet link or info hash'));
    await expect(added).rejects.toThrow(new TabCallError('Not a magnet link or info hash'));
  });

  it('refuses malformed calls with an error, without running them', async () => {
    const hub = new MemoryHub();
    const engine = engineTab(hub, 'engine-1');
    const stranger = hub.transport();
    const answers: unknown[] = [];
    stranger.onmessage = (data) => answers.push(data);
    const bad: unknown[] = [
      { op: 'pause', infoHashHex: 'zz' },
      { op: 'get-file', infoHashHex: T, fileIndex: -1 },
      { op: 'share', files: [{ file: 'not a file', path: ['a'] }], name: 'a' },
      { op: 'choose-files', infoHashHex: T, skipped: [1.5] },
      { op: 'add-magnet', link: 'x'.repeat(70_000) },
      { op: 'eval', code: '1' },
    ];
    bad.forEach((call, id) =>
      stranger.post({ type: 'call', from: 'stranger', to: 'engine-1', id, call } as unknown as TabMessage),
    );
    await settle();
    expect(engine.calls).toHaveLength(0);
    const results = answers.filter((a) => (a as { type: string }).type === 'result');
    expect(results).toHaveLength(bad.length);
    expect(results.every((r) => (r as { ok: boolean }).ok === false)).toBe(true);
  });

  it('ignores calls addressed to another engine tab', async () => {
    const hub = new MemoryHub();
    const engine = engineTab(hub, 'engine-1');
    const stranger = hub.transport();
    stranger.post({ type: 'call', from: 's', to: 'engine-0', id: 1, call: { op: 'pause', infoHashHex: T } });
    await settle();
    expect(engine.calls).toHaveLength(0);
  });

  it('publishes views to tabs that said hello lately, and stops when they fall silent', async () => {
    const hub = new MemoryHub();
    let now = 0;
    const engine = engineTab(hub, 'engine-1', () => now);
    engine.host.publish(view('before anyone listens'));
    const tab = viewTab(hub, 'tab-a');
    await settle();
    // The hello got the latest view at once.
    expect(tab.views.map((v) => v.torrents[0].name)).toEqual(['before anyone listens']);
    engine.host.publish(view('update'));
    await settle();
    expect(tab.views.map((v) => v.torrents[0].name)).toEqual(['before anyone listens', 'update']);
    now += 3 * HELLO_MS + 1; // the tab went away without a word
    engine.host.publish(view('nobody listens'));
    await settle();
    expect(tab.views).toHaveLength(2);
    tab.hello();
    await settle();
    expect(tab.views.at(-1)?.torrents[0].name).toBe('nobody listens');
  });

  it('ignores views that are not of the current engine tab or not views', async () => {
    const hub = new MemoryHub();
    engineTab(hub, 'engine-1');
    const tab = viewTab(hub, 'tab-a');
    await settle();
    const stranger = hub.transport();
    stranger.post({ type: 'view', engine: 'engine-0', view: view('stale') });
    stranger.post({ type: 'view', engine: 'engine-1', view: { ready: 'yes' } } as unknown as TabMessage);
    await settle();
    expect(tab.views).toHaveLength(0);
  });

  it('keeps calls waiting while no engine tab answers, and sends them when one does', async () => {
    const hub = new MemoryHub();
    const tab = viewTab(hub, 'tab-a');
    const paused = tab.remote.call({ op: 'pause', infoHashHex: T });
    await settle();
    expect(tab.remote.waitingCalls).toBe(1);
    const engine = engineTab(hub, 'engine-1');
    await settle();
    expect(engine.calls.map((c) => c.call)).toEqual([{ op: 'pause', infoHashHex: T }]);
    engine.calls[0].resolve(undefined);
    await expect(paused).resolves.toBeUndefined();
  });

  it('sends a call the vanished engine tab never answered to the next engine tab', async () => {
    const hub = new MemoryHub();
    const first = engineTab(hub, 'engine-1');
    const tab = viewTab(hub, 'tab-a');
    await settle();
    const shared = tab.remote.call({ op: 'add-magnet', link: T });
    await settle();
    expect(first.calls).toHaveLength(1);
    first.host.close(); // the engine tab crashed before answering
    first.transport.close();
    const second = engineTab(hub, 'engine-2');
    await settle();
    expect(tab.engines).toEqual(['engine-1', 'engine-2']);
    expect(second.calls.map((c) => c.call)).toEqual([{ op: 'add-magnet', link: T }]);
    second.calls[0].resolve(T);
    await expect(shared).resolves.toBe(T);
  });

  it('runs the waiting calls on the local engine when this tab takes over', async () => {
    const hub = new MemoryHub();
    const first = engineTab(hub, 'engine-1');
    const tab = viewTab(hub, 'tab-a');
    await settle();
    const removed = tab.remote.call({ op: 'remove', infoHashHex: T });
    const added = tab.remote.call({ op: 'add-magnet', link: 'bad' });
    await settle();
    first.host.close();
    first.transport.close();
    const ran: Call[] = [];
    tab.remote.handOver(async (call) => {
      ran.push(call);
      if (call.op === 'add-magnet') throw new Error('Not a magnet link or info hash');
    });
    expect(ran).toEqual([
      { op: 'remove', infoHashHex: T },
      { op: 'add-magnet', link: 'bad' },
    ]);
    await expect(removed).resolves.toBeUndefined();
    await expect(added).rejects.toThrow('Not a magnet link or info hash');
    // The tab hosts on the same channel next: the remote side no longer listens.
    expect(tab.transport.onmessage).toBeNull();
  });

  it('bounds the calls a view tab keeps waiting', async () => {
    const hub = new MemoryHub();
    const tab = viewTab(hub, 'tab-a');
    const waiting = Array.from({ length: MAX_WAITING_CALLS }, () =>
      tab.remote.call({ op: 'pause', infoHashHex: T }),
    );
    await expect(tab.remote.call({ op: 'pause', infoHashHex: T })).rejects.toThrow(/Too many actions/);
    expect(tab.remote.waitingCalls).toBe(MAX_WAITING_CALLS);
    tab.remote.close();
    await Promise.all(waiting.map((p) => expect(p).rejects.toThrow(TabCallError)));
  });

  it('bounds the calls the engine tab runs at once for other tabs', async () => {
    const hub = new MemoryHub();
    const engine = engineTab(hub, 'engine-1');
    const stranger = hub.transport();
    const refused: unknown[] = [];
    stranger.onmessage = (data) => {
      if ((data as { ok?: boolean }).ok === false) refused.push(data);
    };
    for (let id = 0; id <= MAX_HOSTED_CALLS; id++)
      stranger.post({ type: 'call', from: 's', to: 'engine-1', id, call: { op: 'pause', infoHashHex: T } });
    await settle();
    expect(engine.calls).toHaveLength(MAX_HOSTED_CALLS);
    expect(refused).toHaveLength(1);
    engine.calls[0].resolve(undefined);
    await settle();
    stranger.post({
      type: 'call',
      from: 's',
      to: 'engine-1',
      id: 999,
      call: { op: 'pause', infoHashHex: T },
    });
    await settle();
    expect(engine.calls).toHaveLength(MAX_HOSTED_CALLS + 1);
  });
});

describe('parseCall', () => {
  it('accepts every call the app sends', () => {
    const calls: Call[] = [
      { op: 'add-torrent-file', bytes: new ArrayBuffer(4) },
      { op: 'get-torrent-file', infoHashHex: T },
      { op: 'choose-files', infoHashHex: T, skipped: [0, 2] },
      { op: 'set-upload-limit', kib: 64 },
      { op: 'set-relay-only', on: true },
      { op: 'resume', infoHashHex: T },
      { op: 'get-shared-handles', infoHashHex: T },
      { op: 'resume-sharing', infoHashHex: T },
    ];
    for (const call of calls) expect(parseCall(call)).toEqual(call);
  });

  it('refuses a share without files and a negative upload limit', () => {
    expect(parseCall({ op: 'share', files: [], name: 'x' })).toBeUndefined();
    expect(parseCall({ op: 'set-upload-limit', kib: -1 })).toBeUndefined();
    expect(parseCall({ op: 'add-torrent-file', bytes: new ArrayBuffer(17 * 1024 * 1024) })).toBeUndefined();
  });
});

describe('every action over the tab link', () => {
  it('reaches the engine tab as it was sent, and its answer comes back', async () => {
    const hub = new MemoryHub();
    const engine = engineTab(hub, 'engine-1');
    const tab = viewTab(hub, 'tab-a');
    await settle();
    for (const call of ALL_SAMPLES) {
      const answered = tab.remote.call(call);
      await settle();
      const ran = engine.calls.shift();
      // (as a structured clone: Node clones a File as a Blob, which is what the check of a share accepts)
      expect(ran?.call, call.op).toEqual(structuredClone(call));
      ran?.resolve(`answer to ${call.op}`);
      await expect(answered).resolves.toBe(`answer to ${call.op}`);
    }
    expect(engine.calls).toEqual([]);
  });
});

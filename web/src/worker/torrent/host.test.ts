import { describe, expect, it } from 'vitest';
import type { WorkerToMain } from '../../lib/messages/protocol';
import type { TorrentRecord } from '../storage/records';
import { TorrentHost } from './host';
import { RelayedTransport } from '../transport/relayed-transport';
import { FakeSession, FakeWriter, fakeHostContext, fakeInfo, fakeRecord } from './testing/fakes';

const info = fakeInfo([{ name: 'notes.txt', length: 40 }], 16, 'notes');

function record(change: Partial<TorrentRecord> = {}): TorrentRecord {
  return fakeRecord(info, 'notes', { trackers: ['wss://t.example'], ...change });
}

function setup(change: Partial<TorrentRecord> = {}, make: () => FakeSession = () => new FakeSession()) {
  const posted: WorkerToMain[] = [];
  const sessions: FakeSession[] = [];
  const writer = new FakeWriter();
  const ctx = fakeHostContext(
    writer,
    () => {
      const session = make();
      sessions.push(session);
      return session;
    },
    { post: (message) => posted.push(message) },
  );
  const host = new TorrentHost(ctx, record(change), info, undefined);
  /** A connection the page relays: the engine's sends and closes for it are posted. */
  const connect = (peer: string, identities: string[] = []): void =>
    host.peerConnected(peer, identities, new RelayedTransport(info.infoHashHex, peer, ctx.post, () => {}));
  return { host, connect, posted, sessions, writer, types: () => posted.map((m) => m.type) };
}

describe('TorrentHost', () => {
  it('starts its session: the main thread hears it is active, and the session gets its first tick', () => {
    const { host, posted, sessions } = setup();
    host.start();
    expect(posted).toEqual([
      {
        type: 'torrent-active',
        infoHashHex: info.infoHashHex,
        trackers: ['wss://t.example'],
        stats: { uploaded: 0, downloaded: 0, left: 0 },
      },
    ]);
    expect(sessions[0].types).toEqual(['tick']);
  });

  it('starts a paused torrent paused, without its tracker clients', () => {
    const { host, posted, sessions } = setup({ paused: true });
    host.start();
    expect(posted).toEqual([]);
    expect(sessions[0].types).toEqual(['pause']);
  });

  it('is in the error state when no session can be made, and refuses peers', () => {
    const { host, connect, posted } = setup({}, () => {
      throw new Error('bad info');
    });
    host.start();
    expect(host.error).toBe('engine error: bad info');
    connect('p1');
    expect(posted).toEqual([
      { type: 'close', infoHashHex: info.infoHashHex, peer: 'p1', reason: 'torrent not active' },
    ]);
    expect(host.view(0).state).toBe('error');
  });

  it("feeds a connected peer's bytes to the session, and carries out its actions", () => {
    const { host, connect, posted, sessions } = setup();
    host.start();
    const session = sessions[0];
    session.reply = (event) =>
      event.type === 'peer-data' ? [{ type: 'send', peer: event.peer, data: new Uint8Array([7]) }] : [];
    host.peerData('p1', new ArrayBuffer(1)); // not connected: late bytes of a closed connection
    connect('p1', ['id']);
    host.peerData('p1', new ArrayBuffer(1));
    expect(session.types).toEqual(['tick', 'peer-connected', 'peer-data']);
    expect(posted.at(-1)).toMatchObject({ type: 'send', peer: 'p1' });
  });

  it('stops on an engine error: the session is told to stop, the peers closed with the reason', () => {
    const { host, connect, posted, sessions } = setup();
    host.start();
    connect('p1');
    const session = sessions[0];
    session.reply = (event) => {
      if (event.type === 'tick') throw new Error('bad state');
      return [];
    };
    host.tick();
    expect(session.types.slice(-2)).toEqual(['tick', 'stop']);
    expect(posted.slice(-2)).toEqual([
      { type: 'close', infoHashHex: info.infoHashHex, peer: 'p1', reason: 'engine error: bad state' },
      {
        type: 'torrent-inactive',
        infoHashHex: info.infoHashHex,
        stats: { uploaded: 0, downloaded: 0, left: 0 },
      },
    ]);
    expect(host.error).toBe('engine error: bad state');
    connect('p2');
    expect(session.types.at(-1)).toBe('stop');
  });

  it('starts a fresh session on resume after an error', () => {
    const { host, sessions } = setup();
    host.start();
    host.fail('storage failed: x');
    expect(sessions[0].types).toEqual(['tick', 'stop']);
    host.resume();
    expect(sessions.length).toBe(2);
    expect(host.error).toBeUndefined();
  });

  it('pauses and resumes the session, telling the main thread each time', () => {
    const { host, sessions, types } = setup();
    host.start();
    host.pause();
    host.pause();
    host.resume();
    expect(sessions[0].types).toEqual(['tick', 'pause', 'resume']);
    expect(types()).toEqual(['torrent-active', 'torrent-inactive', 'torrent-active']);
  });

  it('keeps a restored failure, and whether the shared files need the permission again', () => {
    const { host } = setup();
    host.fail('a.bin cannot be read', true);
    expect(host.error).toBe('a.bin cannot be read');
    expect(host.view(0).resumeSharing).toBe(true);
  });

  it('does nothing more once removed: no event, no write', async () => {
    const { host, connect, sessions, writer } = setup();
    host.start();
    connect('p1');
    host.remove();
    expect(host.removed).toBe(true);
    expect(sessions[0].types.at(-1)).toBe('stop');
    host.tick();
    host.pause();
    expect(sessions[0].types.at(-1)).toBe('stop');
    expect(await host.persist(true)).toBe(false);
    expect(writer.puts).toEqual([]);
  });
});

// Test plumbing for v2 between worker clients: a TestPeer whose sessions the test watches (the options each was
// started with, and the hash jobs it asked for: `sha256-blocks` checks against a file's tree, SHA-1 checks), and a
// finished file's bytes as `Save` gives them.
import { TorrentSession } from '../../../../shared/engine/session/session';
import type { SessionOptions } from '../../../../shared/engine/contract/engine-types';
import { MemoryStore } from '../../lib/storage/storage';
import type { ClientOptions } from '../client';
import { TestPeer } from './harness';

/** A session the test watches: what it was given, and the hash jobs it asked for. */
export interface Watched {
  options: SessionOptions;
  session: TorrentSession;
  /** `sha256-blocks` jobs (pieces checked against their file's tree). */
  treeChecks: number;
  /** SHA-1 jobs (pieces checked by their v1 hash). */
  sha1Checks: number;
}

export class WatchedPeer extends TestPeer {
  readonly sessions: Watched[];

  constructor(name: string, store = new MemoryStore(), options: Partial<ClientOptions> = {}) {
    const sessions: Watched[] = [];
    super(name, store, {
      ...options,
      createSession: (options) => {
        const session = new TorrentSession(options);
        const watched: Watched = { options, session, treeChecks: 0, sha1Checks: 0 };
        sessions.push(watched);
        const handle = session.handle.bind(session);
        session.handle = (event, now) => {
          const actions = handle(event, now);
          for (const action of actions) {
            if (action.type !== 'hash') continue;
            if (action.algorithm === 'sha256-blocks') watched.treeChecks++;
            else watched.sha1Checks++;
          }
          return actions;
        };
        return session;
      },
    });
    this.sessions = sessions;
  }

  /** The last session made for this torrent. */
  session(infoHashHex: string): Watched {
    const found = this.sessions.filter((s) => s.session.stats(0).infoHashHex === infoHashHex).at(-1);
    if (!found) throw new Error(`${this.name} has no session for ${infoHashHex}`);
    return found;
  }
}

export async function startedPeer(
  name: string,
  store?: MemoryStore,
  options: Partial<ClientOptions> = {},
): Promise<WatchedPeer> {
  const peer = new WatchedPeer(name, store, options);
  await peer.client.start();
  return peer;
}

/** A finished file's bytes, by its path in the torrent. */
export async function fileBytes(peer: TestPeer, infoHashHex: string, path: string): Promise<Uint8Array> {
  const entry = peer.view(infoHashHex)?.files.find((f) => f.path === path);
  if (!entry) throw new Error(`no ${path}`);
  const reply = await peer.request({ op: 'get-file', infoHashHex, fileIndex: entry.index });
  if (!reply.ok) throw new Error(reply.error);
  return new Uint8Array(await reply.value.arrayBuffer());
}

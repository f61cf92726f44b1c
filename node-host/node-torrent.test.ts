import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../shared/engine/contract/engine-types';
import { NodeHost } from './node-host';
import { makeTorrent } from './make-torrent';
import { FakeSocket } from './testing/fake-socket';
import { Scratch, writeFixture } from './testing/fixtures';

const scratch = new Scratch('node-torrent');
afterEach(() => scratch.cleanup());

type UploadQueueEvent = Extract<EngineEvent, { type: 'upload-queue' }>;

describe('NodeTorrent: its peers’ unsent bytes go to the session as upload-queue', () => {
  it('tells the session what a socket holds after our handshake, and 0 once it drains', async () => {
    const source = await scratch.folder();
    const root = await writeFixture(source, 'share', [{ path: 'x.bin', length: 64 * 1024 }], 5);
    const torrent = await makeTorrent(root, { kind: 'v1', pieceLength: 16 * 1024 });
    const host = scratch.keep(new NodeHost(), (made) => made.stop());
    const seeder = await host.add({ torrent, folder: source });
    const heard: UploadQueueEvent[] = [];
    const handle = seeder.session.handle.bind(seeder.session);
    vi.spyOn(seeder.session, 'handle').mockImplementation((event, now) => {
      if (event.type === 'upload-queue') heard.push(event);
      return handle(event, now);
    });
    const socket = new FakeSocket();
    const key = seeder.accept(socket as unknown as Socket);
    // The session answers the connection with its handshake, which the socket holds.
    await vi.waitFor(() => expect(heard.at(-1)?.bytes).toBeGreaterThan(0));
    const held = socket.writableLength;
    expect(heard.at(-1)).toEqual({ type: 'upload-queue', bytes: held, byPeer: [[key, held]] });
    socket.drainAll();
    await vi.waitFor(() => expect(heard.at(-1)).toEqual({ type: 'upload-queue', bytes: 0, byPeer: [] }));
  });
});

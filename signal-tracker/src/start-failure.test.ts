import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startFailure } from './start-failure';

/** The error Node gives for listening where `listen` says. */
async function listenError(listen: (server: ReturnType<typeof createServer>) => void): Promise<Error> {
  const server = createServer();
  listen(server);
  const [error] = (await once(server, 'error')) as [Error];
  return error;
}

describe('the words of a tracker that cannot start', () => {
  it('name --port and PORT when the port is taken', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as { port: number };
    try {
      const error = await listenError((server) => server.listen(port, '127.0.0.1'));
      expect(startFailure(error)).toBe(
        `cannot start: port ${port} is taken by another program; choose another with --port <n> (or PORT)`,
      );
    } finally {
      holder.close();
    }
  });

  it('name --host and HOST for an address this machine does not have', async () => {
    const error = await listenError((server) => server.listen(0, '192.0.2.77'));
    expect(startFailure(error)).toMatch(
      /192\.0\.2\.77 is not an address of this machine.*--host <address> \(or HOST\)/,
    );
  });

  it('say anything else as the system said it', () => {
    expect(startFailure(new Error('Redis unreachable'))).toBe('cannot start: Redis unreachable');
  });
});

import { describe, expect, it } from 'vitest';
import { pingSockets, type SocketContext } from './tracker-socket';

/** A socket as pingSockets sees it: whether it answered, and what was done to it. */
function fakeSocket(alive: boolean) {
  return {
    alive,
    pinged: 0,
    terminated: false,
    ping() {
      this.pinged++;
    },
    terminate() {
      this.terminated = true;
    },
  };
}

describe('pingSockets', () => {
  it('cuts the sockets that did not answer the last ping and pings the others, which must answer again', () => {
    const answered = fakeSocket(true);
    const silent = fakeSocket(false);
    const context = { sockets: new Set([answered, silent]) } as unknown as SocketContext;
    pingSockets(context);
    expect(silent).toMatchObject({ terminated: true, pinged: 0 });
    expect(answered).toMatchObject({ terminated: false, pinged: 1, alive: false });
    pingSockets(context);
    expect(answered.terminated).toBe(true);
  });
});

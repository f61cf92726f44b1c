import { describe, expect, it } from 'vitest';
import { PEX_ERROR } from '../../codec/pex';
import { Neighbour, RELAY_RATE, SIGNAL_RATE, FORWARD_RATE, MISS_RATE } from './neighbour';
import { relayVerdict, signalRefusal } from './relay';

const hex = (n: number) => n.toString(16).padStart(40, '0');
const neighbour = (n: number) => new Neighbour(`k${n}`, new Uint8Array(20).fill(n), hex(n), 4, 0);

function relayRoom() {
  const sender = neighbour(1);
  const target = neighbour(2);
  const known = new Map([[target.idHex, target]]);
  return { sender, target, us: { id: hex(9), neighbour: (id: string) => known.get(id) } };
}

describe('relayVerdict', () => {
  it('forwards to a neighbour that has been told of the sender', () => {
    const { sender, target, us } = relayRoom();
    target.gossip.next(new Map([[sender.idHex, 0]]), 0);
    expect(relayVerdict(sender, target.idHex, us, 0)).toEqual({ forward: target });
  });

  it('answers not introduced while the target has not been told of the sender', () => {
    const { sender, target, us } = relayRoom();
    expect(relayVerdict(sender, target.idHex, us, 0)).toEqual({ error: PEX_ERROR.notIntroduced });
  });

  it('answers not my neighbour for a peer it is not connected to, and closes a sender that keeps asking', () => {
    const { sender, us } = relayRoom();
    const verdicts = Array.from({ length: MISS_RATE.burst + 1 }, (_, i) =>
      relayVerdict(sender, hex(100 + i), us, 0),
    );
    expect(
      verdicts.slice(0, MISS_RATE.burst).every((v) => 'error' in v && v.error === PEX_ERROR.notNeighbour),
    ).toBe(true);
    expect(verdicts.at(-1)).toHaveProperty('close');
  });

  it('closes a sender that asks to relay to itself or to us', () => {
    const { sender, us } = relayRoom();
    expect(relayVerdict(sender, sender.idHex, us, 0)).toHaveProperty('close');
    expect(relayVerdict(neighbour(3), us.id, us, 0)).toHaveProperty('close');
  });

  it('closes a sender past its relay rate, and answers busy past a target forward rate', () => {
    const { sender, target, us } = relayRoom();
    target.gossip.next(new Map([[sender.idHex, 0]]), 0);
    const verdicts = Array.from({ length: RELAY_RATE.burst + 1 }, () =>
      relayVerdict(sender, target.idHex, us, 0),
    );
    expect(verdicts.at(-1)).toHaveProperty('close');
    const senders = Array.from({ length: FORWARD_RATE.burst + 1 }, (_, i) => neighbour(10 + i));
    const fresh = neighbour(3);
    fresh.gossip.next(new Map(senders.map((n) => [n.idHex, 0])), 0);
    const room = { id: hex(9), neighbour: () => fresh };
    const last = senders.map((n) => relayVerdict(n, fresh.idHex, room, 0)).at(-1);
    expect(last).toEqual({ error: PEX_ERROR.busy });
  });
});

describe('signalRefusal', () => {
  const names = (named: string[]) => ({
    id: hex(9),
    names: (_: Neighbour, id: string) => named.includes(id),
  });

  it('takes a signal from a peer the relay named', () => {
    expect(signalRefusal(neighbour(1), hex(5), names([hex(5)]), 0)).toBeUndefined();
  });

  it('closes a relay that forges ids or relays for peers it never named', () => {
    expect(signalRefusal(neighbour(1), hex(9), names([hex(9)]), 0)).toMatch(/forged/);
    expect(signalRefusal(neighbour(1), hex(1), names([hex(1)]), 0)).toMatch(/forged/);
    expect(signalRefusal(neighbour(1), hex(5), names([]), 0)).toMatch(/never named/);
  });

  it('closes a relay past its signal rate', () => {
    const relay = neighbour(1);
    const refusals = Array.from({ length: SIGNAL_RATE.burst + 1 }, () =>
      signalRefusal(relay, hex(5), names([hex(5)]), 0),
    );
    expect(refusals.slice(0, SIGNAL_RATE.burst).every((r) => r === undefined)).toBe(true);
    expect(refusals.at(-1)).toMatch(/share/);
  });
});

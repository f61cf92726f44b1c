import { describe, expect, it } from 'vitest';
import { DEPARTED_KEEP_MS, HeardPeers, MAX_HEARD, MAX_NAMED } from './heard';

const never = () => false;
const hex = (n: number) => n.toString(16).padStart(40, '0');

describe('HeardPeers', () => {
  it('knows which neighbours name a peer, so who can relay to it', () => {
    const heard = new HeardPeers();
    heard.name('a', hex(1), 500);
    heard.name('b', hex(1), 600);
    expect(heard.relaysFor(hex(1)).sort()).toEqual(['a', 'b']);
    expect(heard.get(hex(1))?.progress).toBe(600);
    expect(heard.names('a', hex(1))).toBe(true);
    expect(heard.names('a', hex(2))).toBe(false);
  });

  it('marks a peer departed once no neighbour names it and we are not connected to it', () => {
    const heard = new HeardPeers();
    heard.name('a', hex(1), 0);
    heard.name('b', hex(1), 0);
    heard.unname('a', hex(1), never, 10);
    expect(heard.departed(hex(1))).toBe(false);
    heard.unname('b', hex(1), never, 20);
    expect(heard.departed(hex(1))).toBe(true);
    expect(heard.counts()).toEqual({ live: 0, departed: 1 });
    heard.name('c', hex(2), 0);
    heard.unname('c', hex(2), () => true, 30);
    expect(heard.departed(hex(2))).toBe(false);
  });

  it('takes a peer back when it is named again, and forgets the departed after a while', () => {
    const heard = new HeardPeers();
    heard.name('a', hex(1), 0);
    heard.unname('a', hex(1), never, 0);
    heard.name('b', hex(1), 0);
    expect(heard.departed(hex(1))).toBe(false);
    heard.unname('b', hex(1), never, 0);
    heard.expire(DEPARTED_KEEP_MS - 1);
    expect(heard.size).toBe(1);
    heard.expire(DEPARTED_KEEP_MS);
    expect(heard.size).toBe(0);
  });

  it('a whole list replaces what the neighbour named before', () => {
    const heard = new HeardPeers();
    heard.name('a', hex(1), 0);
    heard.name('a', hex(2), 0);
    heard.replace('a', never, 5);
    heard.name('a', hex(2), 0);
    expect(heard.departed(hex(1))).toBe(true);
    expect(heard.departed(hex(2))).toBe(false);
  });

  it('forgets, without calling departed, what only a closed neighbour named', () => {
    const heard = new HeardPeers();
    heard.name('a', hex(1), 0);
    heard.name('a', hex(2), 0);
    heard.name('b', hex(2), 0);
    heard.neighbourGone('a');
    expect(heard.get(hex(1))).toBeUndefined();
    expect(heard.relaysFor(hex(2))).toEqual(['b']);
  });

  it('records a peer whose connection to us closed as departed', () => {
    const heard = new HeardPeers();
    heard.connectionClosed(hex(7), 3);
    expect(heard.departed(hex(7))).toBe(true);
  });

  it('holds at most MAX_NAMED names a neighbour and MAX_HEARD peers, making room from the departed', () => {
    const heard = new HeardPeers();
    let taken = 0;
    for (let i = 0; i < MAX_NAMED + 10; i++) if (heard.name('a', hex(i), 0)) taken++;
    expect(taken).toBe(MAX_NAMED);
    for (let n = 1; heard.size < MAX_HEARD; n++)
      for (let i = 0; i < MAX_NAMED && heard.size < MAX_HEARD; i++) heard.name(`n${n}`, hex(n * 1000 + i), 0);
    expect(heard.name('z', hex(999_999), 0)).toBe(false);
    expect(heard.size).toBe(MAX_HEARD);
    heard.unname('a', hex(0), never, 1);
    expect(heard.name('z', hex(999_999), 0)).toBe(true);
    expect(heard.size).toBe(MAX_HEARD);
    expect(heard.get(hex(0))).toBeUndefined();
  });
});

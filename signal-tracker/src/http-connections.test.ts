import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { OpenConnections } from './http-connections';

/** A socket as the counter sees it: its address, and a close it can be told of. */
function fakeSocket(remoteAddress: string) {
  const socket = Object.assign(new EventEmitter(), { remoteAddress });
  return socket as typeof socket & Socket;
}

describe('OpenConnections', () => {
  it('marks the connections past an address cap, and frees a place when one closes', () => {
    const connections = new OpenConnections(2);
    const a = [fakeSocket('10.0.0.1'), fakeSocket('10.0.0.1'), fakeSocket('10.0.0.1')];
    for (const socket of a) connections.admit(socket);
    expect(a.map((socket) => connections.isOverCap(socket))).toEqual([false, false, true]);
    expect(connections.refused).toBe(1);
    const other = fakeSocket('10.0.0.2');
    connections.admit(other);
    expect(connections.isOverCap(other)).toBe(false);
    a[0].emit('close');
    const later = fakeSocket('10.0.0.1');
    connections.admit(later);
    expect(connections.isOverCap(later)).toBe(false);
    // A refused connection closing frees nothing: it was never counted.
    a[2].emit('close');
    expect(connections.openFrom('10.0.0.1')).toBe(2);
  });

  it('counts an IPv6 /64 as one address, and a trusted proxy not at all', () => {
    const connections = new OpenConnections(1, (address) => address !== '127.0.0.1');
    connections.admit(fakeSocket('2001:db8:1:2::1'));
    const sameNetwork = fakeSocket('2001:db8:1:2::ffff');
    connections.admit(sameNetwork);
    expect(connections.isOverCap(sameNetwork)).toBe(true);
    const proxied = [fakeSocket('127.0.0.1'), fakeSocket('127.0.0.1')];
    for (const socket of proxied) connections.admit(socket);
    expect(proxied.some((socket) => connections.isOverCap(socket))).toBe(false);
  });

  it('holds no address whose connections all closed, however many came and went', () => {
    const connections = new OpenConnections(4);
    for (let i = 0; i < 5000; i++) {
      const socket = fakeSocket(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      connections.admit(socket);
      socket.emit('close');
    }
    expect(connections.addressCount).toBe(0);
  });
});

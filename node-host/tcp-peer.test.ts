import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { POLL_MS, UploadQueueReport } from '../shared/host/upload-queue-report';
import { SEND_BACKLOG_BYTES, TcpPeer } from './tcp-peer';
import { FakeSocket } from './testing/fake-socket';
import { timerClock as clock } from '../shared/testing/timer-clock';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

type Report = [bytes: number, byPeer: Array<[string, number]>];

function peerReporting(): { socket: FakeSocket; peer: TcpPeer; reports: Report[]; backlog: boolean[] } {
  const socket = new FakeSocket();
  const peer = new TcpPeer(socket as unknown as Socket, () => {});
  const reports: Report[] = [];
  const backlog: boolean[] = [];
  peer.receive({ data: () => {}, backlog: (on) => backlog.push(on), uploadQueue: () => {} });
  peer.reportTo(new UploadQueueReport((bytes, byPeer) => reports.push([bytes, byPeer]), clock), 'tcp:1');
  return { socket, peer, reports, backlog };
}

describe('TcpPeer: what its socket holds unsent, for the engine’s upload pacing', () => {
  it('reports the socket’s unsent bytes after a write, as this peer’s, and 0 once the socket drains', () => {
    const { socket, peer, reports } = peerReporting();
    vi.advanceTimersByTime(POLL_MS);
    expect(reports).toEqual([[0, []]]);
    peer.send(new ArrayBuffer(16_397));
    peer.send(new ArrayBuffer(16_397));
    vi.advanceTimersByTime(POLL_MS);
    expect(reports.at(-1)).toEqual([32_794, [['tcp:1', 32_794]]]);
    socket.drainAll();
    vi.advanceTimersByTime(POLL_MS);
    expect(reports.at(-1)).toEqual([0, []]);
  });

  it('reports a write even where the socket took it before the next look (the engine counted the block)', () => {
    const { socket, peer, reports } = peerReporting();
    vi.advanceTimersByTime(POLL_MS);
    peer.send(new ArrayBuffer(16_397));
    socket.writableLength = 0;
    vi.advanceTimersByTime(POLL_MS);
    expect(reports).toEqual([
      [0, []],
      [0, []],
    ]);
  });

  it('is backlogged past SEND_BACKLOG_BYTES held, until the socket drains', () => {
    const { socket, peer, backlog } = peerReporting();
    peer.send(new ArrayBuffer(SEND_BACKLOG_BYTES));
    expect(backlog).toEqual([]);
    peer.send(new ArrayBuffer(1));
    expect(backlog).toEqual([true]);
    socket.drainAll();
    expect(backlog).toEqual([true, false]);
  });

  it('leaves the report when it closes, by itself or at the session’s word', () => {
    for (const ending of ['far end', 'session'] as const) {
      const { socket, peer, reports } = peerReporting();
      peer.send(new ArrayBuffer(1000));
      vi.advanceTimersByTime(POLL_MS);
      expect(reports.at(-1)?.[0]).toBe(1000);
      if (ending === 'far end') socket.destroy();
      else peer.close();
      const count = reports.length;
      vi.advanceTimersByTime(10_000);
      expect(reports.length).toBe(count);
      expect(peer.heldBytes).toBe(0);
    }
  });
});

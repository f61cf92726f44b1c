import { describe, expect, it } from 'vitest';
import type { WorkerToMain } from '../../lib/messages/protocol';
import { RelayedTransport } from '../transport/relayed-transport';
import { PeerLinks } from './peer-links';

function links() {
  const posted: WorkerToMain[] = [];
  const relayed = (peer: string) =>
    new RelayedTransport(
      'ab',
      peer,
      (message) => posted.push(message),
      () => {},
    );
  return { peers: new PeerLinks(), posted, relayed };
}

describe('PeerLinks', () => {
  it('keeps a path only for a connected peer, and forgets it when the peer goes', () => {
    const { peers, relayed } = links();
    peers.setPath('p1', 'relayed');
    expect(peers.paths.size).toBe(0);
    peers.add('p1', relayed('p1'));
    peers.setPath('p1', 'direct');
    expect(peers.paths.get('p1')).toBe('direct');
    expect(peers.delete('p1')).toBe(true);
    expect(peers.paths.size).toBe(0);
    expect(peers.delete('p1')).toBe(false);
  });

  it("closes a peer's transport once, only for a peer still connected", () => {
    const { peers, posted, relayed } = links();
    peers.add('p1', relayed('p1'));
    peers.close('p1', 'bad block');
    peers.close('p1', 'again');
    expect(posted).toEqual([{ type: 'close', infoHashHex: 'ab', peer: 'p1', reason: 'bad block' }]);
  });

  it('closes every connection with one reason', () => {
    const { peers, posted, relayed } = links();
    peers.add('p1', relayed('p1'));
    peers.add('p2', relayed('p2'));
    peers.setPath('p2', 'direct');
    peers.closeAll('torrent stopped');
    expect(posted.map((m) => m.type === 'close' && [m.peer, m.reason])).toEqual([
      ['p1', 'torrent stopped'],
      ['p2', 'torrent stopped'],
    ]);
    expect(peers.has('p1')).toBe(false);
    expect(peers.transport('p2')).toBeUndefined();
    expect(peers.paths.size).toBe(0);
  });

  it("holds the page's words for why no peer can be reached", () => {
    const { peers } = links();
    peers.setReachability('2 peers found, none could be reached');
    expect(peers.unreachable).toBe('2 peers found, none could be reached');
    peers.setReachability(undefined);
    expect(peers.unreachable).toBeUndefined();
  });
});

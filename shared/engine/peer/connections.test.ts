// The connections alone: fake ports that record the actions and what is handed on.
import { describe, expect, it } from 'vitest';
import { encodeHandshake, encodeMessage, reservedBytes } from '../../codec/wire';
import { Connections, WANT_PEERS_INTERVAL_MS } from './connections';
import { IDLE_PLACE_GRACE_MS } from './idle-places';
import type { PeerState } from './peer';
import { idFrom } from '../testing/mock';
import type { EngineAction } from '../contract/engine-types';
import { BanList } from '../verify/verify';

const us = { infoHash: idFrom('torrent'), peerId: idFrom('-SD0001-us') };
const limits = { handshakeTimeoutMs: 20, idleTimeoutMs: 150, keepAliveMs: 60, maxPeers: 2 };

function setup() {
  const clock = { now: 0 };
  const actions: EngineAction[] = [];
  const handshaken: string[] = [];
  const messages: string[] = [];
  const gone: string[] = [];
  const bans = new BanList();
  const pieces = new Map<string, number>();
  const connections = new Connections(us, limits, undefined, bans, {
    now: () => clock.now,
    act: (action) => void actions.push(action),
    handshaken: (peer) => void handshaken.push(peer.key),
    message: (peer: PeerState, message) => {
      if (message.type === 'bitfield') throw new RangeError('bad bitfield');
      messages.push(`${peer.key} ${message.type}`);
    },
    gone: (peer) => void gone.push(peer.key),
    pieces: (peer) => pieces.get(peer.key) ?? 0,
  });
  const closes = () => actions.flatMap((a) => (a.type === 'close' ? [`${a.peer} ${a.reason}`] : []));
  return { clock, actions, handshaken, messages, gone, bans, pieces, connections, closes };
}

const handshake = (label: string) =>
  encodeHandshake({ infoHash: us.infoHash, peerId: idFrom(label), reserved: reservedBytes() });

describe('Connections', () => {
  it('sends our handshake to a new peer; refuses one over the limit or banned', () => {
    const t = setup();
    t.bans.ban(['ip:6.6.6.6']);
    t.connections.connect('a', []);
    t.connections.connect('bad', ['ip:6.6.6.6']);
    t.connections.connect('b', []);
    t.connections.connect('c', []);
    expect(t.actions.filter((a) => a.type === 'send').map((a) => (a.type === 'send' ? a.peer : ''))).toEqual([
      'a',
      'b',
    ]);
    expect(t.closes()).toEqual(['bad banned peer', 'c too many peers']);
    expect([...t.connections.peers.keys()]).toEqual(['a', 'b']);
  });

  it('takes a handshake, hands on the messages after it, and refuses a second connection of the same peer id', () => {
    const t = setup();
    t.connections.connect('a', []);
    t.connections.connect('a2', []);
    const bytes = handshake('them');
    const both = new Uint8Array([...bytes, ...encodeMessage({ type: 'interested' })]);
    t.connections.data('a', both);
    expect(t.handshaken).toEqual(['a']);
    expect(t.messages).toEqual(['a interested']);
    expect(t.connections.byId(t.connections.peers.get('a')?.peerIdHex ?? '')?.key).toBe('a');
    t.connections.data('a2', bytes);
    expect(t.closes()).toEqual(['a2 duplicate connection']);
    expect(t.gone).toEqual(['a2']);
  });

  it('closes a peer whose input throws, and forgets it', () => {
    const t = setup();
    t.connections.connect('a', []);
    t.connections.data('a', handshake('them'));
    t.connections.data('a', encodeMessage({ type: 'bitfield', bytes: new Uint8Array(1) }));
    expect(t.closes()).toEqual(['a RangeError: bad bitfield']);
    expect(t.connections.peers.size).toBe(0);
    t.connections.data('a', encodeMessage({ type: 'interested' })); // ignored
    expect(t.messages).toEqual([]);
  });

  it('keeps a quiet connection alive, closes a silent one, and asks for peers at most every interval', () => {
    const t = setup();
    t.connections.connect('slow', []);
    t.clock.now = 20;
    t.connections.tick(20);
    expect(t.closes()).toEqual(['slow handshake timeout']);
    expect(t.connections.wanted(5, 0)).toBe(5);
    expect(t.connections.wanted(5, WANT_PEERS_INTERVAL_MS - 1)).toBeUndefined();
    expect(t.connections.wanted(5, WANT_PEERS_INTERVAL_MS)).toBe(5);
    t.connections.connect('a', []);
    t.connections.data('a', handshake('them'));
    t.clock.now = 100;
    t.connections.tick(100);
    expect(t.actions.at(-1)).toEqual({
      type: 'send',
      peer: 'a',
      data: encodeMessage({ type: 'keep-alive' }),
    });
    expect(t.connections.wanted(1, 2 * WANT_PEERS_INTERVAL_MS)).toBeUndefined(); // enough peers
  });

  it('when full, gives the place of the peer idle longest past its grace to a newcomer', () => {
    const t = setup();
    t.connections.connect('a', []);
    t.connections.connect('b', []);
    t.clock.now = IDLE_PLACE_GRACE_MS - 1;
    t.connections.connect('early', []);
    expect(t.closes()).toEqual(['early too many peers']);
    t.pieces.set('a', 1); // its bitfield came: exchange
    t.clock.now = IDLE_PLACE_GRACE_MS;
    t.connections.connect('c', []);
    expect(t.closes().at(-1)).toBe('b no piece data exchanged: its place went to a new peer');
    expect([...t.connections.peers.keys()]).toEqual(['a', 'c']);
    t.connections.connect('d', []);
    expect(t.closes().at(-1)).toBe('d too many peers');
  });
});

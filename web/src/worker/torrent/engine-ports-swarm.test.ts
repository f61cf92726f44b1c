import { describe, expect, it } from 'vitest';
import { executeAction } from '../../../../shared/engine/session/executor';
import type { EngineEvent } from '../../../../shared/engine/contract/engine-types';
import { enginePorts } from './engine-ports';
import { recordingHost } from './testing/ports-host';

const P = '11'.repeat(20);

describe("enginePorts' meetings through the swarm", () => {
  it('asks the page for an offer, hands it relayed descriptions, and says when a meeting ends', () => {
    const host = recordingHost();
    const ports = enginePorts(host, () => true);
    const emitted: EngineEvent[] = [];
    const emit = (event: EngineEvent) => emitted.push(event);
    executeAction({ type: 'meet-peer', peer: P }, ports, emit);
    const payload = new Uint8Array([1, 2, 3]);
    executeAction({ type: 'signal-in', from: P, via: 'c1', kind: 'answer', payload }, ports, emit);
    executeAction({ type: 'signal-in', from: P, via: 'c1', kind: 'decline' }, ports, emit);
    executeAction({ type: 'meet-ended', peer: P, reason: 'no answer' }, ports, emit);
    expect(host.posted.map((posted) => posted.message)).toEqual([
      { type: 'meet-peer', infoHashHex: 'ab', peer: P },
      { type: 'signal-in', infoHashHex: 'ab', from: P, kind: 'answer', payload: expect.any(ArrayBuffer) },
      { type: 'signal-in', infoHashHex: 'ab', from: P, kind: 'decline' },
      { type: 'meet-ended', infoHashHex: 'ab', peer: P },
    ]);
    const sent = host.posted[1]!;
    expect([...new Uint8Array((sent.message as { payload: ArrayBuffer }).payload)]).toEqual([1, 2, 3]);
    expect(sent.transfer).toHaveLength(1);
    expect(payload).toEqual(new Uint8Array([1, 2, 3]));
    expect(emitted).toEqual([]);
  });

  it('tells the page how many of the peers wanted the swarm brings', () => {
    const host = recordingHost();
    const ports = enginePorts(host, () => true);
    ports.wantPeers(6, 4);
    ports.wantPeers(3);
    expect(host.posted.map((posted) => posted.message)).toEqual([
      { type: 'want-peers', infoHashHex: 'ab', count: 6, swarm: 4 },
      { type: 'want-peers', infoHashHex: 'ab', count: 3 },
    ]);
  });

  it('asks nothing for a session that is no longer the torrent’s', () => {
    const host = recordingHost();
    const ports = enginePorts(host, () => false);
    ports.swarm!.meet(P, () => undefined);
    expect(host.posted).toEqual([]);
  });
});

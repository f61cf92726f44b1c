import { describe, expect, it } from 'vitest';
import type { WireMessage } from '../../codec/wire';
import { PeerState } from '../peer/peer';
import { UploadQueue } from '../upload/uploader';
import { sendCancels } from './cancels';

describe('sendCancels', () => {
  it('cancels each block with the connected peer that has it, and skips a peer that is gone', () => {
    const a = new PeerState('a', 0, 0, new UploadQueue(undefined, 0));
    const sent: { peer: string; message: WireMessage }[] = [];
    const ports = {
      peer: (key: string) => (key === 'a' ? a : undefined),
      send: (peer: PeerState, message: WireMessage) => void sent.push({ peer: peer.key, message }),
    };
    sendCancels(ports, [
      { peer: 'a', index: 1, begin: 0, length: 16384 },
      { peer: 'gone', index: 1, begin: 16384, length: 16384 },
    ]);
    expect(sent).toEqual([{ peer: 'a', message: { type: 'cancel', index: 1, begin: 0, length: 16384 } }]);
  });
});

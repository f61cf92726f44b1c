import { describe, expect, it, vi } from 'vitest';
import type { MainToWorker } from '../../lib/messages/protocol';
import {
  adoptingPeerConnection,
  channelTransferAllowed,
  ChannelStandIn,
  ChannelTransfer,
} from './channel-transfer';

function fakeChannel(label = 'ch'): RTCDataChannel {
  return { label, readyState: 'connecting' } as unknown as RTCDataChannel;
}

function setup(allowed = true) {
  const posted: Array<{ message: MainToWorker; transfer?: Transferable[] }> = [];
  let refuse = false;
  const transfer = new ChannelTransfer((message, list) => {
    if (refuse) throw new DOMException('not transferable', 'DataCloneError');
    posted.push({ message, transfer: list });
  }, allowed);
  return { transfer, posted, refuse: () => (refuse = true) };
}

describe('channelTransferAllowed', () => {
  it('allows the transfer unless the address or the build keeps channels on the page', () => {
    expect(channelTransferAllowed('', undefined)).toBe(true);
    expect(channelTransferAllowed('?x=1', 'worker')).toBe(true);
    expect(channelTransferAllowed('?channels=page', undefined)).toBe(false);
    expect(channelTransferAllowed('?a=b&channels=page', undefined)).toBe(false);
    expect(channelTransferAllowed('', 'page')).toBe(false);
  });
});

describe('ChannelTransfer', () => {
  it('keeps channels on the page until the worker says it can hold them', () => {
    const { transfer, posted } = setup();
    expect(transfer.path).toBe('page');
    expect(transfer.adopt(fakeChannel())).toBeUndefined();
    expect(posted).toEqual([]);
    transfer.setSupported(true);
    expect(transfer.path).toBe('worker');
  });

  it('keeps them on the page when forced, even where the worker can hold them', () => {
    const { transfer, posted } = setup(false);
    transfer.setSupported(true);
    expect(transfer.path).toBe('page');
    expect(transfer.adopt(fakeChannel())).toBeUndefined();
    expect(posted).toEqual([]);
  });

  it('transfers a channel to the worker and hands out a stand-in with its label', () => {
    const { transfer, posted } = setup();
    transfer.setSupported(true);
    const channel = fakeChannel('webtorrent');
    const standIn = transfer.adopt(channel)!;
    expect(standIn).toBeInstanceOf(ChannelStandIn);
    expect(standIn.label).toBe('webtorrent');
    expect(standIn.readyState).toBe('connecting');
    expect(posted).toEqual([
      { message: { type: 'channel-adopt', id: standIn.id, channel }, transfer: [channel] },
    ]);
    // Each channel gets its own name.
    expect(transfer.adopt(fakeChannel())!.id).not.toBe(standIn.id);
    expect(transfer.size).toBe(2);
  });

  it('falls back to the page, for this channel and the next, when the browser refuses the transfer', () => {
    const { transfer, refuse } = setup();
    transfer.setSupported(true);
    refuse();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(transfer.adopt(fakeChannel())).toBeUndefined();
    expect(transfer.path).toBe('page');
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it("opens and closes the stand-in on the worker's reports, once each", () => {
    const { transfer, posted } = setup();
    transfer.setSupported(true);
    const standIn = transfer.adopt(fakeChannel())!;
    const opened = vi.fn();
    const closed = vi.fn();
    standIn.onopen = opened;
    standIn.onclose = closed;
    transfer.state(standIn.id, 'open');
    transfer.state(standIn.id, 'open');
    expect(standIn.readyState).toBe('open');
    expect(opened).toHaveBeenCalledOnce();
    transfer.state(standIn.id, 'closed');
    transfer.state(standIn.id, 'closed');
    expect(standIn.readyState).toBe('closed');
    expect(closed).toHaveBeenCalledOnce();
    expect(transfer.size).toBe(0);
    // The worker closed it: nothing to tell the worker back.
    standIn.close();
    expect(posted.map((p) => p.message.type)).toEqual(['channel-adopt']);
  });

  it('tells the worker when the page closes the connection, and never writes through the stand-in', () => {
    const { transfer, posted } = setup();
    transfer.setSupported(true);
    const standIn = transfer.adopt(fakeChannel())!;
    transfer.state(standIn.id, 'open');
    expect(() => standIn.send()).toThrow(/engine worker/);
    standIn.close();
    standIn.close();
    expect(posted.slice(1).map((p) => p.message)).toEqual([{ type: 'channel-close', id: standIn.id }]);
    expect(transfer.size).toBe(0);
  });

  it('forgets its channels and the support when the worker is replaced', () => {
    const { transfer } = setup();
    transfer.setSupported(true);
    transfer.adopt(fakeChannel());
    transfer.reset();
    expect(transfer.size).toBe(0);
    expect(transfer.path).toBe('page');
  });
});

/** A peer connection with what the adopting class touches: data channels and the `datachannel` event. */
class FakePeerConnection extends EventTarget {
  ondatachannel: ((event: Event & { channel: unknown }) => void) | null = null;
  constructor(readonly configuration?: RTCConfiguration) {
    super();
  }
  createDataChannel(label: string): RTCDataChannel {
    return fakeChannel(label);
  }
  /** The remote side opened a channel (simple-peer listens through `ondatachannel`, set after construction). */
  receive(channel: RTCDataChannel): void {
    const event = new Event('datachannel') as Event & { channel: unknown };
    Object.defineProperty(event, 'channel', { configurable: true, get: () => channel });
    this.dispatchEvent(event);
    this.ondatachannel?.(event);
  }
}

describe('adoptingPeerConnection', () => {
  const Base = FakePeerConnection as unknown as new (configuration?: RTCConfiguration) => RTCPeerConnection;

  it('hands the offerer its stand-in in place of the channel it creates', () => {
    const standIn = new ChannelStandIn('ch1', 'x', () => undefined);
    const adopt = vi.fn(() => standIn);
    const Adopting = adoptingPeerConnection(Base, adopt);
    const pc = new Adopting({ iceServers: [] });
    expect((pc as unknown as FakePeerConnection).configuration).toEqual({ iceServers: [] });
    const channel = pc.createDataChannel('x');
    expect(channel).toBe(standIn);
    expect(adopt).toHaveBeenCalledWith(expect.objectContaining({ label: 'x' }));
  });

  it('keeps the channel where adopt declines it', () => {
    const Adopting = adoptingPeerConnection(Base, () => undefined);
    const channel = new Adopting().createDataChannel('y');
    expect(channel).not.toBeInstanceOf(ChannelStandIn);
    expect(channel.label).toBe('y');
  });

  it("gives the answerer's datachannel handler the stand-in, the channel being adopted first", () => {
    const order: string[] = [];
    const standIn = new ChannelStandIn('ch2', 'z', () => undefined);
    const remote = fakeChannel('z');
    const Adopting = adoptingPeerConnection(Base, (channel) => {
      order.push('adopt');
      expect(channel).toBe(remote);
      return standIn;
    });
    const pc = new Adopting() as unknown as FakePeerConnection;
    pc.ondatachannel = (event) => {
      order.push('handler');
      expect(event.channel).toBe(standIn);
    };
    pc.receive(remote);
    expect(order).toEqual(['adopt', 'handler']);
  });

  it("leaves the answerer's event alone where adopt declines the channel", () => {
    const remote = fakeChannel('w');
    const pc = new (adoptingPeerConnection(Base, () => undefined))() as unknown as FakePeerConnection;
    let seen: unknown;
    pc.ondatachannel = (event) => (seen = event.channel);
    pc.receive(remote);
    expect(seen).toBe(remote);
  });
});

// Data channels moved to the engine's worker. Where the browser can transfer an RTCDataChannel to a dedicated worker
// (Chromium 130+, Firefox 144+), each connection's channel is posted to the worker the moment it exists: in the
// task that created it (simple-peer's `createDataChannel` for an offer, the `datachannel` event for an answer),
// which is the only time Chromium lets it go, and before anything is sent on it. The worker then reads and writes
// it (worker/transport/owned-channels.ts) and the page keeps the RTCPeerConnection: signalling, ICE, the path, the UI.
//
// simple-peer is left as it is: it is handed a stand-in instead of the channel, which the worker's reports open and
// close. So simple-peer still emits `connect` and `close` when the channel opens and closes, and the remote side,
// a WebTorrent peer or another tab, sees the very channel its own simple-peer negotiated: nothing changes on the
// wire. simple-peer itself sends nothing on a channel (only what its user writes, and we never write through it).
//
// Where the worker cannot hold channels, the transfer is refused, or `?channels=page` (or a build made with
// `VITE_CHANNELS=page`) forces it, the channel stays with simple-peer on the page (page-relay.ts).
import type { MainToWorker } from '../../lib/messages/protocol';

/** Where a connection's channel is read and written. */
export type ChannelPath = 'worker' | 'page';

/** Whether channels may move to the worker: `?channels=page` in the address, or a `VITE_CHANNELS=page` build, keeps
 * them on the page (to test the page's path in browsers that can transfer them). */
export function channelTransferAllowed(search: string, buildFlag: string | undefined): boolean {
  if (buildFlag === 'page') return false;
  return new URLSearchParams(search).get('channels') !== 'page';
}

type Handler = ((event?: unknown) => void) | null;

/**
 * What simple-peer holds in place of a channel the worker took: the attributes and handlers it uses, mirrored from
 * the worker's reports. Nothing is sent or received through it.
 */
export class ChannelStandIn {
  readyState: RTCDataChannelState = 'connecting';
  binaryType: BinaryType = 'arraybuffer';
  bufferedAmountLowThreshold = 0;
  readonly bufferedAmount = 0;
  onopen: Handler = null;
  onclose: Handler = null;
  onmessage: Handler = null;
  onerror: Handler = null;
  onbufferedamountlow: Handler = null;

  constructor(
    /** The name the page and the worker know the channel by. */
    readonly id: string,
    readonly label: string,
    private readonly onPageClose: (standIn: ChannelStandIn) => void,
  ) {}

  send(): void {
    throw new Error('this data channel is written by the engine worker');
  }

  /** simple-peer closes the connection: the worker closes the channel. */
  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.onPageClose(this);
  }

  /** The worker's channel opened. */
  opened(): void {
    if (this.readyState !== 'connecting') return;
    this.readyState = 'open';
    this.onopen?.();
  }

  /** The worker's channel closed (the remote side left, the connection failed, a send failed). */
  closed(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.onclose?.();
  }
}

/** Moves a new channel to the worker: the stand-in to use instead, or undefined to keep the channel on the page. */
export type AdoptChannel = (channel: RTCDataChannel) => ChannelStandIn | undefined;

export type PostChannel = (message: MainToWorker, transfer?: Transferable[]) => void;

/** The page's side of the channels the worker holds: the transfers, the stand-ins, the worker's reports. */
export class ChannelTransfer {
  private readonly standIns = new Map<string, ChannelStandIn>();
  /** The worker can hold channels (it said so), and no transfer has been refused. */
  private supported = false;
  private nextId = 1;

  constructor(
    private readonly post: PostChannel,
    /** False when forced to the page (see channelTransferAllowed). */
    private readonly allowed: boolean,
  ) {}

  /** Where new connections' channels go. */
  get path(): ChannelPath {
    return this.allowed && this.supported ? 'worker' : 'page';
  }

  /** The worker said whether RTCDataChannel exists in its scope. */
  setSupported(transferable: boolean): void {
    this.supported = transferable;
  }

  /** Channels held by the worker whose connection is still open on the page (for tests). */
  get size(): number {
    return this.standIns.size;
  }

  readonly adopt: AdoptChannel = (channel) => {
    if (this.path !== 'worker') return undefined;
    const id = `ch${this.nextId++}`;
    try {
      this.post({ type: 'channel-adopt', id, channel }, [channel]);
    } catch (error) {
      // The browser cannot transfer channels after all (DataCloneError): this one and the next stay on the page.
      this.supported = false;
      console.warn(`swarmdrop: data channels stay on the page: ${String(error)}`);
      return undefined;
    }
    const standIn = new ChannelStandIn(id, channel.label, (closed) => {
      this.standIns.delete(closed.id);
      this.post({ type: 'channel-close', id: closed.id });
    });
    this.standIns.set(id, standIn);
    return standIn;
  };

  /** The worker's report on one of its channels. */
  state(id: string, state: 'open' | 'closed'): void {
    const standIn = this.standIns.get(id);
    if (!standIn) return;
    if (state === 'open') {
      standIn.opened();
    } else {
      this.standIns.delete(id);
      standIn.closed();
    }
  }

  /** The worker failed: its channels are gone with it (their connections are closed by then); a new worker says
   * again whether it can hold channels. */
  reset(): void {
    this.standIns.clear();
    this.supported = false;
  }
}

/** The parts of the RTCPeerConnection class that the adopting class needs (tests pass a fake). */
type PeerConnectionClass = new (configuration?: RTCConfiguration) => RTCPeerConnection;

/**
 * An RTCPeerConnection class (for simple-peer's `wrtc` option) that hands each data channel to `adopt` in the task
 * that created it, and gives simple-peer the stand-in instead when the worker took it.
 */
export function adoptingPeerConnection(Base: PeerConnectionClass, adopt: AdoptChannel): PeerConnectionClass {
  return class AdoptingPeerConnection extends Base {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      // Registered before simple-peer sets `ondatachannel`, so this listener runs first; simple-peer reads
      // `event.channel`, which then names the stand-in.
      this.addEventListener('datachannel', (event) => {
        const standIn = adopt(event.channel);
        if (standIn) Object.defineProperty(event, 'channel', { value: standIn });
      });
    }

    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init);
      return (adopt(channel) as unknown as RTCDataChannel | undefined) ?? channel;
    }
  };
}

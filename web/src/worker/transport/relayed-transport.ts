// A connection whose data channel the page holds (the browser could not move it here, or `?channels=page`): the
// engine's bytes go to the page as `send` messages, batched per task (send-batcher.ts), and the page's channel writer
// sends them; what the peer sends comes back from the page as `peer-data`, its writer's backlog as `peer-backlog`.
import type { PeerReceiver, PeerTransport } from '../../../../shared/host/peer-transport';
import type { PostToPage } from './post-to-page';

export class RelayedTransport implements PeerTransport {
  private receiver: PeerReceiver | undefined;

  constructor(
    readonly infoHashHex: string,
    readonly peer: string,
    private readonly post: PostToPage,
    /** The engine closed it: the page relays nothing more for it. */
    private readonly onClose: (transport: RelayedTransport) => void,
  ) {}

  send(data: ArrayBuffer): void {
    this.post({ type: 'send', infoHashHex: this.infoHashHex, peer: this.peer, data }, [data]);
  }

  /** What the page's writer queued is out of this worker's reach. */
  retract(): boolean {
    return false;
  }

  close(reason: string): void {
    this.onClose(this);
    this.post({ type: 'close', infoHashHex: this.infoHashHex, peer: this.peer, reason });
  }

  /** The page relays nothing before the connection is named, so nothing is held for the receiver. */
  receive(receiver: PeerReceiver): void {
    this.receiver = receiver;
  }

  /** The page relayed a message the peer sent. */
  received(data: ArrayBuffer): void {
    this.receiver?.data(data);
  }

  /** The page's writer for this peer crossed its backlog mark. */
  backlogged(backlogged: boolean): void {
    this.receiver?.backlog(backlogged);
  }
}

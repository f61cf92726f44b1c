// The transport of each connection the page opens: the channel this worker holds when the page moved it here (the
// page names it in `peer-connected`), else the page's relay. Only the relayed ones are looked up here afterwards:
// their bytes come in the page's messages, while a held channel's go from the channel to its receiver directly.
import type { MainToWorker } from '../../lib/messages/protocol';
import type { OwnedChannels } from './owned-channels';
import type { PeerTransport } from '../../../../shared/host/peer-transport';
import type { PostToPage } from './post-to-page';
import { RelayedTransport } from './relayed-transport';

type Relayed = Extract<MainToWorker, { type: 'peer-data' | 'peer-backlog' }>;

export class PeerTransports {
  private readonly relayed = new Map<string, RelayedTransport>();

  constructor(
    private readonly post: PostToPage,
    /** The channels this worker holds; none where it holds no channel (Node tests, a page that keeps them). */
    private readonly owned?: OwnedChannels,
  ) {}

  /** The transport of a connection the page opened; `channel` names the channel it moved here, if it did. */
  open(infoHashHex: string, peer: string, channel?: string): PeerTransport {
    if (channel !== undefined && this.owned) return this.owned.transport(infoHashHex, peer, channel);
    const key = peerKey(infoHashHex, peer);
    const transport = new RelayedTransport(infoHashHex, peer, this.post, (closed) => {
      if (this.relayed.get(key) === closed) this.relayed.delete(key);
    });
    this.relayed.set(key, transport);
    return transport;
  }

  /** What the page relays for a connection whose channel it holds (nothing once that connection closed). */
  fromPage(message: Relayed): void {
    const transport = this.relayed.get(peerKey(message.infoHashHex, message.peer));
    if (!transport) return;
    if (message.type === 'peer-data') transport.received(message.data);
    else transport.backlogged(message.backlogged);
  }

  /** The page's connection closed. */
  closed(infoHashHex: string, peer: string): void {
    this.relayed.delete(peerKey(infoHashHex, peer));
  }
}

function peerKey(infoHashHex: string, peer: string): string {
  return `${infoHashHex}|${peer}`;
}

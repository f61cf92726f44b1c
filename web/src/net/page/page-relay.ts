// The page's side of a connection whose data channel stays on the page (the browser cannot move it to the worker, or
// `?channels=page`): the worker's bytes are written to the channel, and what the peer sends is posted to the worker,
// each message's buffer transferred. The worker's side of it is worker/transport/relayed-transport.ts.
import type { MainToWorker } from '../../lib/messages/protocol';
import { openPeerWriter } from '../channel-transport';
import type { ChannelLike, ChannelWriter, RateLimiter, WriterTimers } from '../channel-writer';
import type { PeerConnection } from './peer-connection';
import type { UploadQueueReport } from '../../../../shared/host/upload-queue-report';

export interface PageRelayOptions {
  infoHashHex: string;
  /** The worker's key for the connection. */
  peer: string;
  post: (message: MainToWorker, transfer?: Transferable[]) => void;
  /** The tab's upload limit, shared by the channels the page holds. */
  limiter: RateLimiter | undefined;
  /** What the torrent's channels on the page hold that has not left (the engine paces its upload to it). */
  uploadQueue: UploadQueueReport;
  /** The channel failed: close the connection. */
  onError: () => void;
  /** Whose timers the writer waits on (the page's wake clock in the app). */
  timers?: WriterTimers | undefined;
}

/** Relays the connection's channel; the writer it returns takes the worker's bytes for the peer. */
export function relayOnPage(
  connection: PeerConnection,
  channel: ChannelLike,
  options: PageRelayOptions,
): ChannelWriter {
  const { infoHashHex, peer, post } = options;
  const writer = openPeerWriter(channel, {
    limiter: options.limiter,
    onError: options.onError,
    report: (report) => post({ ...report, infoHashHex, peer }),
    timers: options.timers,
  });
  writer.reportTo(options.uploadQueue, peer);
  connection.on('data', (data) => post({ type: 'peer-data', infoHashHex, peer, data }, [data]));
  return writer;
}

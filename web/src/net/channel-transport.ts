// One data channel's writer, made the same way on whichever side holds the channel: the page (page-relay.ts, where
// the browser cannot move a channel to the worker) or the engine's worker (worker/transport/owned-channels.ts). What
// the writer has to tell the engine about its transport (the peer backlogged or drained) goes through one `report`
// hook, so that a report added later reaches the engine from both paths alike.
import {
  ChannelWriter,
  deferTask,
  type ChannelLike,
  type RateLimiter,
  type WriterTimers,
} from './channel-writer';

/** What a channel's writer tells the engine about its transport. */
export type TransportReport = { type: 'peer-backlog'; backlogged: boolean };

export interface PeerWriterOptions {
  /** The tab's (or the worker's) upload limit, shared by its channels. */
  limiter?: RateLimiter | undefined;
  /** The channel failed (a send threw, or the peer stopped reading): close the connection. */
  onError: (error: unknown) => void;
  /** Where the transport reports go: posted to the worker from the page, handed to the engine in the worker. */
  report: (report: TransportReport) => void;
  /** Whose timers the writer waits on (default its own side's). */
  timers?: WriterTimers | undefined;
}

/** The writer of one peer's channel: backpressure, the upload limit, a burst merged per task. */
export function openPeerWriter(channel: ChannelLike, options: PeerWriterOptions): ChannelWriter {
  const writer = new ChannelWriter(
    channel,
    options.limiter,
    options.onError,
    undefined,
    deferTask(),
    (backlogged) => options.report({ type: 'peer-backlog', backlogged }),
  );
  if (options.timers) writer.waitOn(options.timers);
  return writer;
}

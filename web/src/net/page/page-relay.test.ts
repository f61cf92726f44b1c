import { describe, expect, it } from 'vitest';
import { until } from '../../../../shared/testing/until';
import type { MainToWorker } from '../../lib/messages/protocol';
import type { ChannelLike } from '../channel-writer';
import { relayOnPage } from './page-relay';
import type { PeerConnection } from './peer-connection';
import { UploadQueueReport } from '../../../../shared/host/upload-queue-report';
import { OWN_CLOCK } from '../own-clock';

const T = '34'.repeat(20);

function setup() {
  const posted: Array<{ message: MainToWorker; transfer?: Transferable[] }> = [];
  const sent: Uint8Array[] = [];
  const channel: ChannelLike = {
    bufferedAmount: 0,
    readyState: 'open',
    send: (data) => sent.push(data),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  };
  let onData: ((data: ArrayBuffer) => void) | undefined;
  const connection = {
    on: (event: string, listener: (data: ArrayBuffer) => void) => {
      if (event === 'data') onData = listener;
    },
  } as unknown as PeerConnection;
  const uploadQueue = new UploadQueueReport(() => undefined, OWN_CLOCK);
  const errors: number[] = [];
  const writer = relayOnPage(connection, channel, {
    infoHashHex: T,
    peer: 'c2',
    post: (message, transfer) => posted.push({ message, transfer }),
    limiter: undefined,
    uploadQueue,
    onError: () => errors.push(1),
  });
  return { posted, sent, writer, receive: (data: ArrayBuffer) => onData?.(data), uploadQueue };
}

describe('relayOnPage', () => {
  it("posts the peer's messages to the worker, each buffer transferred", () => {
    const { posted, receive, uploadQueue } = setup();
    const data = new ArrayBuffer(6);
    receive(data);
    expect(posted).toEqual([
      { message: { type: 'peer-data', infoHashHex: T, peer: 'c2', data }, transfer: [data] },
    ]);
    uploadQueue.stop();
  });

  it("writes the worker's bytes to the channel", async () => {
    const { sent, writer, uploadQueue } = setup();
    writer.write(new Uint8Array([1, 2, 3]).buffer);
    // The writer merges a burst in one deferred task (a MessageChannel message), which no timer is ordered with.
    await until(() => sent.length > 0, { what: 'the write to reach the channel' });
    expect(sent.map((m) => Array.from(m))).toEqual([[1, 2, 3]]);
    uploadQueue.stop();
  });
});

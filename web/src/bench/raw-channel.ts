// The limit of figure 1: one plain RTCDataChannel between two tabs, 64 KiB messages, with the send queue kept
// full (no simple-peer, no worker, no hashing, no storage). Signalling goes through the runner; host candidates
// only.

let connection: RTCPeerConnection | undefined;
let channel: RTCDataChannel | undefined;
let receivedBytes = 0;
let firstAt = 0;
let lastAt = 0;
let onProgress: (() => void) | undefined;

function gathered(pc: RTCPeerConnection): Promise<string> {
  return new Promise((resolve) => {
    const done = () => resolve(JSON.stringify(pc.localDescription));
    if (pc.iceGatheringState === 'complete') return done();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') done();
    });
  });
}

function receive(dc: RTCDataChannel): void {
  dc.binaryType = 'arraybuffer';
  dc.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
    const now = performance.now();
    if (receivedBytes === 0) firstAt = now;
    lastAt = now;
    receivedBytes += event.data.byteLength;
    onProgress?.();
  });
}

export const rawChannel = {
  async offer(): Promise<string> {
    connection = new RTCPeerConnection({ iceServers: [] });
    channel = connection.createDataChannel('bench', { ordered: true });
    channel.binaryType = 'arraybuffer';
    await connection.setLocalDescription(await connection.createOffer());
    return gathered(connection);
  },

  async answer(offer: string): Promise<string> {
    connection = new RTCPeerConnection({ iceServers: [] });
    connection.addEventListener('datachannel', (event) => {
      channel = event.channel;
      receive(channel);
    });
    await connection.setRemoteDescription(JSON.parse(offer) as RTCSessionDescriptionInit);
    await connection.setLocalDescription(await connection.createAnswer());
    return gathered(connection);
  },

  async accept(answer: string): Promise<void> {
    if (!connection || !channel) throw new Error('no offer made');
    await connection.setRemoteDescription(JSON.parse(answer) as RTCSessionDescriptionInit);
    const dc = channel;
    if (dc.readyState !== 'open')
      await new Promise((resolve) => dc.addEventListener('open', resolve, { once: true }));
  },

  /**
   * Sends `total` bytes in `messageSize` messages, refilling the channel's buffer up to `highWater` bytes
   * whenever it falls to `lowThreshold` (by default 8 MiB and 1 MiB: the channel never runs dry).
   */
  async send(total: number, messageSize = 65536, highWater = 8 << 20, lowThreshold = 1 << 20): Promise<void> {
    const dc = channel;
    if (!dc) throw new Error('no channel');
    const message = new Uint8Array(messageSize);
    crypto.getRandomValues(message.subarray(0, 65536));
    dc.bufferedAmountLowThreshold = lowThreshold;
    let sent = 0;
    while (sent < total) {
      while (sent < total && dc.bufferedAmount < highWater) {
        const size = Math.min(messageSize, total - sent);
        dc.send(size === messageSize ? message : message.subarray(0, size));
        sent += size;
      }
      if (sent < total)
        await new Promise((resolve) => dc.addEventListener('bufferedamountlow', resolve, { once: true }));
    }
  },

  /** Resolves when `total` bytes have arrived: the seconds from the first to the last message. */
  received(total: number): Promise<{ bytes: number; seconds: number }> {
    return new Promise((resolve) => {
      const check = () => {
        if (receivedBytes >= total) {
          onProgress = undefined;
          resolve({ bytes: receivedBytes, seconds: (lastAt - firstAt) / 1000 });
        }
      };
      onProgress = check;
      check();
    });
  },

  close(): void {
    channel?.close();
    connection?.close();
  },
};

// Reads the BitTorrent messages in what a tab sends on its data channels, for the benches' diagnostics that wrap
// `RTCDataChannel.prototype.send` in a page or a worker (wan-counts.ts, wire-log.ts). Each channel's bytes are the
// wire's stream: a 68-byte handshake, then length-prefixed messages, which may cross data-channel messages. A string,
// not a function: tsx would wrap inner names in a helper the worker lacks. Evaluated, it defines
// `benchWireScanner()`, which returns a scanner with its own per-channel state: `scan(channel, data, onMessage)` calls
// `onMessage(name, index)` for each message in `data` (index: the payload's first four bytes as a number, where it
// has them: a request's, a block's or a cancel's piece) and returns whether `data` was bytes at all.
export const WIRE_SCAN = `(() => {
  const scope = globalThis;
  if (scope.benchWireScanner) return;
  const names = { 0: 'choke', 1: 'unchoke', 2: 'interested', 3: 'not-interested', 4: 'have', 5: 'bitfield',
    6: 'request', 7: 'piece', 8: 'cancel', 13: 'suggest', 14: 'have-all', 15: 'have-none', 16: 'reject',
    17: 'allowed-fast', 20: 'extended', 21: 'hash-request', 22: 'hashes', 23: 'hash-reject' };
  scope.benchWireScanner = () => {
    const streams = new WeakMap();
    return (channel, data, onMessage) => {
      let bytes;
      if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
      else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      else return false;
      let s = streams.get(channel);
      if (!s) { s = { skip: 68, head: [] }; streams.set(channel, s); onMessage('handshake'); }
      let at = 0;
      while (at < bytes.length) {
        if (s.skip > 0) { const n = Math.min(s.skip, bytes.length - at); s.skip -= n; at += n; continue; }
        s.head.push(bytes[at++]);
        const h = s.head;
        if (h.length < 4) continue;
        const length = ((h[0] << 24) >>> 0) + (h[1] << 16) + (h[2] << 8) + h[3];
        if (h.length < Math.min(9, 4 + length)) continue;
        const index = h.length === 9 ? ((h[5] << 24) >>> 0) + (h[6] << 16) + (h[7] << 8) + h[8] : undefined;
        onMessage(length === 0 ? 'keep-alive' : names[h[4]] || 'id ' + h[4], index);
        s.skip = 4 + length - h.length;
        s.head = [];
      }
      return true;
    };
  };
})();`;

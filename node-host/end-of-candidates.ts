// webrtc-polyfill (node-datachannel) never fires the final null ICE candidate, so simple-peer with
// trickle off waits its 5 s ICE timeout before sending each offer and answer. This fires it once gathering is
// complete, as browsers do. The keeper and the WebRTC tests both need it.
import { RTCPeerConnection } from 'webrtc-polyfill';

export function fireEndOfCandidates(): void {
  const proto = RTCPeerConnection.prototype as unknown as Record<string, unknown>;
  if (proto.__endOfCandidatesPatched) return;
  proto.__endOfCandidatesPatched = true;
  const setLocalDescription = proto.setLocalDescription as (...args: unknown[]) => Promise<void>;
  proto.setLocalDescription = async function (this: RTCPeerConnection, ...args: unknown[]) {
    await setLocalDescription.apply(this, args);
    const done = () =>
      setTimeout(() => this.onicecandidate?.({ candidate: null } as RTCPeerConnectionIceEvent), 0);
    if (this.iceGatheringState === 'complete') done();
    else {
      this.addEventListener('icegatheringstatechange', () => {
        if (this.iceGatheringState === 'complete') done();
      });
    }
  };
}

// What a relay-only test reads from a page: every RTCPeerConnection it made, and the type of the local candidate
// of each connected one's selected pair (`relay` when the traffic goes through a TURN relay).
import type { Page } from '@playwright/test';

/** Records every RTCPeerConnection the page makes, so the test can read their statistics. */
export function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = made;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
    }
  } as typeof RTCPeerConnection;
}

/** For each connected RTCPeerConnection of the page: its policy and the local candidate type of its selected pair. */
export async function selectedCandidates(page: Page): Promise<Array<{ policy: string; local: string }>> {
  return page.evaluate(async () => {
    const list = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const out: Array<{ policy: string; local: string }> = [];
    for (const pc of list) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      // The selected pair, the standard way (the transport names it); `nominated` alone is not set on every side.
      let pairId: string | undefined;
      stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
        if (report.type === 'transport' && report.selectedCandidatePairId)
          pairId = report.selectedCandidatePairId;
      });
      if (!pairId) {
        stats.forEach((report: { type: string; id: string; state?: string; nominated?: boolean }) => {
          if (report.type === 'candidate-pair' && report.state === 'succeeded' && report.nominated)
            pairId = report.id;
        });
      }
      const pair = pairId ? (stats.get(pairId) as { localCandidateId?: string } | undefined) : undefined;
      const candidate = pair?.localCandidateId
        ? (stats.get(pair.localCandidateId) as { candidateType?: string } | undefined)
        : undefined;
      const local = candidate?.candidateType ?? 'none';
      out.push({ policy: pc.getConfiguration().iceTransportPolicy ?? 'all', local });
    }
    return out;
  });
}

// Which way a connection's bytes go, read from its statistics (`RTCPeerConnection.getStats()`): the selected
// candidate pair, and whether either end of it is a TURN relay.
import type { PeerPath } from '../lib/messages/protocol';

interface Report {
  type?: string;
  id?: string;
  selectedCandidatePairId?: string;
  localCandidateId?: string;
  remoteCandidateId?: string;
  candidateType?: string;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
}

/** The path of the selected pair in a stats report, or undefined when none is selected yet. */
export function pathFromStats(stats: {
  get(id: string): unknown;
  forEach(fn: (report: unknown) => void): void;
}): PeerPath | undefined {
  let pairId: string | undefined;
  // The standard way: the transport names its selected pair. Else a succeeded, nominated (or `selected`) pair.
  stats.forEach((value) => {
    const report = value as Report;
    if (report.type === 'transport' && report.selectedCandidatePairId)
      pairId = report.selectedCandidatePairId;
  });
  if (!pairId) {
    stats.forEach((value) => {
      const report = value as Report;
      if (
        report.type === 'candidate-pair' &&
        (report.selected || (report.state === 'succeeded' && report.nominated))
      )
        pairId ??= report.id;
    });
  }
  const pair = pairId ? (stats.get(pairId) as Report | undefined) : undefined;
  if (!pair) return undefined;
  const local = pair.localCandidateId ? (stats.get(pair.localCandidateId) as Report | undefined) : undefined;
  const remote = pair.remoteCandidateId
    ? (stats.get(pair.remoteCandidateId) as Report | undefined)
    : undefined;
  if (!local?.candidateType && !remote?.candidateType) return undefined;
  return local?.candidateType === 'relay' || remote?.candidateType === 'relay' ? 'relayed' : 'direct';
}

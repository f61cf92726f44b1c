// Which way a connection's bytes go, read from its statistics (`RTCPeerConnection.getStats()`): the selected
// candidate pair, and whether either end of it is a TURN relay.
import type { PeerPath } from '../../lib/messages/protocol';

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

/** The parts of an `RTCStatsReport` read here. */
export interface StatsLike {
  get(id: string): unknown;
  forEach(fn: (report: unknown) => void): void;
}

function reportOf(stats: StatsLike, id: string | undefined): Report | undefined {
  return id ? (stats.get(id) as Report | undefined) : undefined;
}

/** The standard way: the transport names its selected pair. Else a succeeded, nominated (or `selected`) pair. */
function selectedPairId(stats: StatsLike): string | undefined {
  let pairId: string | undefined;
  stats.forEach((value) => {
    const report = value as Report;
    if (report.type === 'transport' && report.selectedCandidatePairId)
      pairId = report.selectedCandidatePairId;
  });
  if (pairId) return pairId;
  stats.forEach((value) => {
    const report = value as Report;
    const chosen = report.selected || (report.state === 'succeeded' && report.nominated);
    if (report.type === 'candidate-pair' && chosen) pairId ??= report.id;
  });
  return pairId;
}

/** The path of the selected pair in a stats report, or undefined when none is selected yet. */
export function pathFromStats(stats: StatsLike): PeerPath | undefined {
  const pair = reportOf(stats, selectedPairId(stats));
  if (!pair) return undefined;
  const local = reportOf(stats, pair.localCandidateId)?.candidateType;
  const remote = reportOf(stats, pair.remoteCandidateId)?.candidateType;
  if (!local && !remote) return undefined;
  return local === 'relay' || remote === 'relay' ? 'relayed' : 'direct';
}

// What each peer of the `wan-swarm` bench did over time: every few seconds, its verified pieces, the share of its
// uplink's rate that the emulator carried since the last sample, how many peers it holds, how many of those it
// serves (does not choke) against how many want its pieces, and how many serve it; for each peer still gaining
// pieces, what it received from whom (`wan-swarm-sources.ts`); and when each tab's first peer connected. Where the
// time goes (a slow start, an uplink idle while it holds pieces others want, a tail) reads off these lines.
import type { Emulator } from '../../netem';
import type { ShapedPeer } from '../../lab/network-shape';
import { bytesPerSecond } from '../../lab/network-shape';
import type { Tab } from '../lib/app';
import type { SourceRow } from './wan-swarm-sources';
import { formatSources, ownPeerIds, receivedBetween } from './wan-swarm-sources';

export interface PeerSample {
  have: number;
  /** Rows of its peers table: the connected peers. */
  peers: number;
  /** Peers it serves (does not choke). */
  serving: number;
  /** Peers that want its pieces (interested in it). */
  wanting: number;
  /** Peers that serve it (do not choke it). */
  servedBy: number;
  /** Each connected peer's id and the bytes received from it in all. */
  sources: SourceRow[];
}

/** The tab's first torrent as its item and peers table show it. */
async function sampleTab(tab: Tab): Promise<PeerSample | undefined> {
  return tab.page.evaluate(() => {
    const item = document.querySelector<HTMLElement>('li[data-infohash]');
    if (!item) return undefined;
    const rows = [...item.querySelectorAll('table[aria-label="Peers"] tbody tr')];
    // The flag cells in column order: we send to them, we want theirs, they send to us, they want ours.
    const flags = rows.map((row) =>
      [...row.querySelectorAll<HTMLElement>('td.flag')].map((cell) => cell.dataset.on === 'true'),
    );
    // The column "Peer" holds its full id in its title; the row's data the bytes and requests.
    const sources = rows.map((row) => {
      const { received, requests, requestMs } = (row as HTMLElement).dataset;
      return {
        peerId: row.querySelectorAll<HTMLElement>('td')[1]?.title ?? '',
        received: Number(received ?? 0),
        requests: Number(requests ?? 0),
        requestMs: requestMs ? Number(requestMs) : undefined,
      };
    });
    return {
      sources,
      have: Number(item.dataset.have ?? 0),
      peers: rows.length,
      serving: flags.filter((flag) => flag[0]).length,
      wanting: flags.filter((flag) => flag[3]).length,
      servedBy: flags.filter((flag) => flag[2]).length,
    };
  });
}

/** For every peer whose pieces grew over the interval: what it received from whom, against its downlink. */
function sourceLines(
  peers: ShapedPeer[],
  before: (PeerSample | undefined)[],
  after: (PeerSample | undefined)[],
  seconds: number,
): string[] {
  const ids = ownPeerIds(after.map((sample) => sample?.sources));
  const names = new Map(ids.flatMap((id, i) => (id === undefined ? [] : [[id, peers[i].name] as const])));
  return peers.flatMap((peer, i) => {
    const now = after[i];
    if (!now || now.have === (before[i]?.have ?? 0)) return [];
    const parts = receivedBetween(before[i]?.sources, now.sources, (id) => names.get(id) ?? id.slice(-6));
    return [formatSources(peer.name, parts, seconds, bytesPerSecond(peer.downMbit))];
  });
}

/** One peer's part of a timeline line: "tab 3 412p up 83% 8 peers serves 4/6 served by 3". */
export function formatSample(name: string, upShare: number, sample: PeerSample | undefined): string {
  const up = `up ${Math.round(upShare * 100)}%`;
  if (!sample) return `${name} ${up} -`;
  return (
    `${name} ${sample.have}p ${up} ${sample.peers} peers serves ${sample.serving}/${sample.wanting} ` +
    `served by ${sample.servedBy}`
  );
}

/** Starts a watcher in the page: the time (Date.now) its torrent first shows a connected peer. */
export async function watchFirstPeer(tab: Tab): Promise<void> {
  await tab.page.evaluate(() => {
    const holder = window as unknown as { benchFirstPeer?: number };
    const timer = setInterval(() => {
      if (document.querySelector('li[data-infohash] table[aria-label="Peers"] tbody tr') === null) return;
      holder.benchFirstPeer = Date.now();
      clearInterval(timer);
    }, 20);
  });
}

/** When the tab's first peer connected (Date.now), if it did. */
export async function firstPeerAt(tab: Tab): Promise<number | undefined> {
  return tab.page.evaluate(() => (window as unknown as { benchFirstPeer?: number }).benchFirstPeer);
}

/**
 * Logs a line for every `everyMs` until `stop`: each peer's sample and its uplink's share over the interval.
 * `tabs` and `peers` are in the same order.
 */
export function watchTimeline(
  emulator: Emulator,
  tabs: Tab[],
  peers: ShapedPeer[],
  everyMs: number,
  log: (message: string) => void,
): () => void {
  const started = Date.now();
  let last: { at: number; sent: number[]; samples: (PeerSample | undefined)[] } | undefined;
  const sentNow = async () => {
    const nodes = (await emulator.stats()).nodes;
    return peers.map((peer) => nodes[peer.name].up.bytes);
  };
  void sentNow().then((sent) => (last = { at: Date.now(), sent, samples: [] }));
  const timer = setInterval(() => {
    void Promise.all([sentNow(), ...tabs.map((tab) => sampleTab(tab).catch(() => undefined))]).then(
      ([sent, ...samples]) => {
        const at = Date.now();
        const before = last;
        const now = samples as (PeerSample | undefined)[];
        last = { at, sent: sent as number[], samples: now };
        if (!before) return;
        const seconds = (at - before.at) / 1000;
        const parts = peers.map((peer, i) => {
          const share = ((sent as number[])[i] - before.sent[i]) / (bytesPerSecond(peer.upMbit) * seconds);
          return formatSample(peer.name, share, samples[i] as PeerSample | undefined);
        });
        log(`    ${((at - started) / 1000).toFixed(0)} s: ${parts.join('; ')}`);
        const sources = sourceLines(peers, before.samples, now, seconds);
        if (sources.length > 0) log(`      received: ${sources.join('; ')}`);
      },
    );
  }, everyMs);
  return () => clearInterval(timer);
}

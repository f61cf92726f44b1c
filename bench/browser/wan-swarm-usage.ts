// What the machine and the emulated links did while the `wan-swarm` bench's tabs downloaded: whether the CPU (9
// Chromiums, the relay and the tracker on the machine's cores) or the emulated uplinks set the pace.
import { cpus } from 'node:os';
import type { EmulatedTracker, Emulator } from '../../netem';
import type { ShapedPeer } from '../../lab/network-shape';
import { bytesPerSecond } from '../../lab/network-shape';
import type { Tab } from '../lib/app';
import {
  cpuSecondsOf,
  formatThreads,
  totalCpu,
  watchCpu,
  watchMachineCpu,
  type CpuByThread,
} from '../lib/processes';

export interface SwarmUsage {
  /** The share of all the machine's cores' time that was busy. */
  machineBusy: number;
  /** The bytes the peers' uplinks carried over what their rates allow in the time. */
  uplinkUse: number;
  /** CPU seconds of the browsers and the relay per MB the tabs downloaded. */
  cpuPerMB: number;
  note: string;
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

/** The browsers' CPU by thread kind, added up over all of them: where the swarm's CPU goes. */
function threadsOfAll(browsers: Array<{ threads(): CpuByThread }>): string {
  const sum: CpuByThread = {};
  for (const browser of browsers)
    for (const [thread, seconds] of Object.entries(browser.threads()))
      sum[thread] = (sum[thread] ?? 0) + seconds;
  return formatThreads(sum, 1);
}

/** How long the tabs are watched idle, with the app open and nothing to do, before the swarm starts. */
const IDLE_MS = 5_000;

/** What the open tabs cost with nothing to do (the app's UI, the browsers' own work), and how busy the machine was
 * meanwhile: the floor under the swarm's CPU. */
export async function idleUse(tabs: Tab[]): Promise<string> {
  const machine = watchMachineCpu();
  const browsers = tabs.map((tab) => watchCpu(tab.profileDir));
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const cpu = browsers.reduce((sum, browser) => sum + totalCpu(browser.stop()), 0);
  return (
    `idle for ${IDLE_MS / 1000} s before: the ${tabs.length} browsers used ${percent(cpu / (IDLE_MS / 1000))} of a core, ` +
    `the machine ${percent(machine.stop())} busy`
  );
}

/** What carrying the swarm's bytes cost, and the share of the machine's cores the run's own processes took: with
 * the machine busy, a share well below all of it means other work competed. */
function cpuCost(
  ownCpu: number,
  seconds: number,
  downloadedBytes: number,
): { cpuPerMB: number; note: string } {
  const cpuPerMB = ownCpu / (downloadedBytes / 1e6);
  const note =
    `the run's processes used ${cpuPerMB.toFixed(2)} CPU-s per MB the tabs downloaded, ` +
    `${percent(ownCpu / (seconds * cpus().length))} of the cores`;
  return { cpuPerMB, note };
}

/** Watches the tabs idle (`idleUse`), then starts watching; `stop` says what was used since, given the bytes the
 * tabs downloaded meanwhile. `tabs` and `peers` are in the same order. */
export async function swarmUsage(
  emulator: Emulator,
  server: EmulatedTracker,
  tabs: Tab[],
  peers: ShapedPeer[],
): Promise<{ stop(downloadedBytes: number): Promise<SwarmUsage> }> {
  const idle = await idleUse(tabs);
  const started = Date.now();
  const machine = watchMachineCpu();
  const browsers = tabs.map((tab) => watchCpu(tab.profileDir));
  const relayPid = String(emulator.relayPid);
  const trackerPid = String(server.process.pid);
  const relayBefore = cpuSecondsOf(relayPid);
  const trackerBefore = cpuSecondsOf(trackerPid);
  const before = (await emulator.stats()).nodes;
  return {
    async stop(downloadedBytes) {
      const seconds = (Date.now() - started) / 1000;
      const machineBusy = machine.stop();
      const browserCpu = browsers.map((browser) => totalCpu(browser.stop()));
      const relay = cpuSecondsOf(relayPid) - relayBefore;
      const tracker = cpuSecondsOf(trackerPid) - trackerBefore;
      const after = (await emulator.stats()).nodes;
      const sent = peers.map((peer) => after[peer.name].up.bytes - before[peer.name].up.bytes);
      const allowed = peers.map((peer) => bytesPerSecond(peer.upMbit) * seconds);
      const uplinkUse = sent.reduce((a, b) => a + b, 0) / allowed.reduce((a, b) => a + b, 0);
      const dropped = peers.map(
        (peer) => after[peer.name].up.queueDropped - before[peer.name].up.queueDropped,
      );
      const packets = peers.map((peer) => after[peer.name].up.packets - before[peer.name].up.packets);
      const seedAt = peers.findIndex((peer) => peer.seed);
      const tabCpu = browserCpu.filter((_, i) => i !== seedAt);
      const browsersCpu = browserCpu.reduce((a, b) => a + b, 0);
      const cost = cpuCost(browsersCpu + relay + tracker, seconds, downloadedBytes);
      const note =
        `over the ${seconds.toFixed(0)} s from Download to the last Seeding: the machine ${percent(machineBusy)} busy ` +
        `(${cpus().length} cores); CPU-s: the browsers ${browsersCpu.toFixed(0)} ` +
        `(the seed's ${browserCpu[seedAt].toFixed(0)}, each tab's ${Math.min(...tabCpu).toFixed(0)} to ` +
        `${Math.max(...tabCpu).toFixed(0)}), the relay ${relay.toFixed(0)}, the tracker ${tracker.toFixed(0)}; ` +
        `the uplinks carried ${percent(uplinkUse)} of their rates (the seed's ${percent(sent[seedAt] / allowed[seedAt])}), ` +
        `packets with their headers; each uplink's share, the packets it carried and those dropped on its full ` +
        `queue: ${peers.map((peer, i) => `${peer.name} ${percent(sent[i] / allowed[i])} ${packets[i]}/${dropped[i]}`).join(', ')}; ` +
        `${cost.note} (the browsers' by thread: ${threadsOfAll(browsers)}); ${idle}`;
      return { machineBusy, uplinkUse, cpuPerMB: cost.cpuPerMB, note };
    },
  };
}

// What the machine and the emulated links did while the `wan-swarm` bench's tabs downloaded: whether the CPU (9
// Chromiums, the relay and the tracker on the machine's cores) or the emulated uplinks set the pace.
import { cpus } from 'node:os';
import type { EmulatedTracker, Emulator } from '../../netem';
import type { ShapedPeer } from '../../lab/network-shape';
import { bytesPerSecond } from '../../lab/network-shape';
import type { Tab } from '../lib/app';
import { cpuSecondsOf, totalCpu, watchCpu, watchMachineCpu } from '../lib/processes';

export interface SwarmUsage {
  /** The share of all the machine's cores' time that was busy. */
  machineBusy: number;
  /** The bytes the peers' uplinks carried over what their rates allow in the time. */
  uplinkUse: number;
  note: string;
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

/** Starts watching; `stop` says what was used since. `tabs` and `peers` are in the same order. */
export async function swarmUsage(
  emulator: Emulator,
  server: EmulatedTracker,
  tabs: Tab[],
  peers: ShapedPeer[],
): Promise<{ stop(): Promise<SwarmUsage> }> {
  const started = Date.now();
  const machine = watchMachineCpu();
  const browsers = tabs.map((tab) => watchCpu(tab.profileDir));
  const relayPid = String(emulator.relayPid);
  const trackerPid = String(server.process.pid);
  const relayBefore = cpuSecondsOf(relayPid);
  const trackerBefore = cpuSecondsOf(trackerPid);
  const before = (await emulator.stats()).nodes;
  return {
    async stop() {
      const seconds = (Date.now() - started) / 1000;
      const machineBusy = machine.stop();
      const browserCpu = browsers.map((browser) => totalCpu(browser.stop()));
      const relay = cpuSecondsOf(relayPid) - relayBefore;
      const tracker = cpuSecondsOf(trackerPid) - trackerBefore;
      const after = (await emulator.stats()).nodes;
      const sent = peers.map((peer) => after[peer.name].up.bytes - before[peer.name].up.bytes);
      const allowed = peers.map((peer) => bytesPerSecond(peer.upMbit) * seconds);
      const uplinkUse = sent.reduce((a, b) => a + b, 0) / allowed.reduce((a, b) => a + b, 0);
      const seedAt = peers.findIndex((peer) => peer.seed);
      const tabCpu = browserCpu.filter((_, i) => i !== seedAt);
      const note =
        `over the ${seconds.toFixed(0)} s from Download to the last Seeding: the machine ${percent(machineBusy)} busy ` +
        `(${cpus().length} cores); CPU-s: the browsers ${browserCpu.reduce((a, b) => a + b, 0).toFixed(0)} ` +
        `(the seed's ${browserCpu[seedAt].toFixed(0)}, each tab's ${Math.min(...tabCpu).toFixed(0)} to ` +
        `${Math.max(...tabCpu).toFixed(0)}), the relay ${relay.toFixed(0)}, the tracker ${tracker.toFixed(0)}; ` +
        `the uplinks carried ${percent(uplinkUse)} of their rates (the seed's ${percent(sent[seedAt] / allowed[seedAt])}), ` +
        `packets with their headers`;
      return { machineBusy, uplinkUse, note };
    },
  };
}

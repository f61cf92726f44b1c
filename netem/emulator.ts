// The network emulator: each node in its own network namespace, joined through one relay process (relay.py) that
// gives each node's uplink and downlink their own delay, jitter, loss, rate and queue. It removes every namespace,
// TUN device and process it made when stopped, when its owner exits or is signalled, and a later start sweeps what
// a killed owner left (see docs/netem.md).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  DEVICE,
  RELAY,
  addressNamespace,
  createNamespace,
  emulatorUnavailable,
  namespaceName,
  nodeAddress,
  removeNamespace,
  sweepStaleNamespaces,
} from './namespaces';
import { relayLink, validateLink, type NodeSpec } from './spec';
import { registerCleanup } from './cleanup';

export interface EmulatedNode {
  name: string;
  /** The node's network namespace: `ip netns exec <netns> <command>` runs a command there. */
  netns: string;
  /** The node's one address, which every other node reaches through the relay. */
  address: string;
}

export interface LinkCounters {
  packets: number;
  bytes: number;
  lost: number;
  queueDropped: number;
  /** On a downlink: packets written into the node's namespace. */
  delivered: number;
}

export interface RelayStats {
  nodes: Record<string, { up: LinkCounters; down: LinkCounters }>;
  /** Packets addressed to no node (outside the emulation, or IPv6): dropped. */
  unroutable: number;
  /** The same, by destination address (or `IPv6`), for the first 32 destinations seen. */
  unroutableTo: Record<string, number>;
  writeDropped: number;
}

export interface Emulator {
  nodes: EmulatedNode[];
  /** The relay's process id (gone once the emulator stopped). */
  relayPid: number | undefined;
  node(name: string): EmulatedNode;
  /** Starts `command` inside the node's namespace; stopped with the emulator at the latest. */
  spawnIn(name: string, command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** The relay's counters: packets carried, lost and dropped on a full queue, per node and direction. */
  stats(): Promise<RelayStats>;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Seeds the relay's loss and jitter, so a run can be repeated packet for packet. */
  seed?: number;
}

const READY_TIMEOUT_MS = 10_000;

/** Starts the emulator, or throws saying why it cannot run here. */
export async function startEmulator(specs: NodeSpec[], options: EmulatorOptions = {}): Promise<Emulator> {
  const unavailable = emulatorUnavailable();
  if (unavailable) throw new Error(`Cannot start the network emulator: ${unavailable}.`);
  for (const spec of specs) {
    validateLink(`${spec.name} up`, spec.up);
    validateLink(`${spec.name} down`, spec.down);
  }
  if (new Set(specs.map((spec) => spec.name)).size !== specs.length)
    throw new Error('Node names must differ.');
  sweepStaleNamespaces();
  const first = nextBase();
  const nodes = specs.map((spec, index) => ({
    name: spec.name,
    netns: namespaceName(process.pid, first + index),
    address: nodeAddress(index),
  }));
  const owned = new Owned(nodes);
  try {
    for (const node of nodes) createNamespace(node.netns);
    owned.relay = await startRelay(specs, nodes, options);
    for (const node of nodes) addressNamespace(node.netns, node.address);
  } catch (error) {
    owned.removeAll();
    throw error;
  }
  return owned.emulator();
}

// Namespace numbers go on across the emulators one process starts, so two of them never share a name.
let base = 0;
function nextBase(): number {
  const first = base;
  base += 1000;
  return first;
}

function startRelay(
  specs: NodeSpec[],
  nodes: EmulatedNode[],
  options: EmulatorOptions,
): Promise<ChildProcess> {
  const config = {
    seed: options.seed ?? null,
    nodes: specs.map((spec, index) => ({
      name: spec.name,
      netns: nodes[index].netns,
      device: DEVICE,
      address: nodes[index].address,
      up: relayLink(spec.up),
      down: relayLink(spec.down),
    })),
  };
  // stdin stays a pipe from this process: when the owner dies, however it dies, the relay reads its end and exits.
  const relay = spawn('python3', [RELAY, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  relay.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('it did not say it was ready'), READY_TIMEOUT_MS);
    const lines = createInterface({ input: relay.stdout! });
    function fail(why: string): void {
      clearTimeout(timer);
      relay.kill('SIGKILL');
      reject(new Error(`The network emulator's relay failed to start: ${why}. ${errors.trim()}`));
    }
    relay.once('exit', (code) => fail(`it exited with code ${code}`));
    relay.once('error', (error) => fail(error.message));
    lines.once('line', (line) => {
      if (line !== 'ready') return fail(`it said "${line}"`);
      clearTimeout(timer);
      relay.removeAllListeners('exit');
      relay.removeAllListeners('error');
      lines.close();
      // A relay that dies under a test stops every path: say why where the test's output shows it. A clean stop
      // ends with code 0 (stdin closed) or SIGKILL.
      relay.once('exit', (code) => {
        if (code) console.error(`The network emulator's relay stopped with code ${code}: ${errors.trim()}`);
      });
      resolve(relay);
    });
  });
}

/** Everything one emulator made, and its removal. */
class Owned {
  relay: ChildProcess | undefined;
  readonly children = new Set<ChildProcess>();
  private unregister: () => void;

  constructor(readonly nodes: EmulatedNode[]) {
    this.unregister = registerCleanup(() => this.removeAll());
  }

  removeAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
    this.relay?.kill('SIGKILL');
    for (const node of this.nodes) removeNamespace(node.netns);
    this.unregister();
  }

  emulator(): Emulator {
    const find = (name: string): EmulatedNode => {
      const node = this.nodes.find((candidate) => candidate.name === name);
      if (!node) throw new Error(`The emulator has no node named ${name}.`);
      return node;
    };
    return {
      nodes: this.nodes,
      relayPid: this.relay?.pid,
      node: find,
      spawnIn: (name, command, args, options = {}) => {
        const child = spawn('ip', ['netns', 'exec', find(name).netns, command, ...args], options);
        this.children.add(child);
        child.once('exit', () => this.children.delete(child));
        return child;
      },
      stats: () => this.stats(),
      stop: () => this.stop(),
    };
  }

  // One question to the relay at a time: each answer is the next line of its output.
  private asked: Promise<unknown> = Promise.resolve();

  private stats(): Promise<RelayStats> {
    const answer = this.asked.then(() => relayStats(this.relay!));
    this.asked = answer.catch(() => undefined);
    return answer;
  }

  private async stop(): Promise<void> {
    const relay = this.relay;
    if (relay && relay.exitCode === null && relay.signalCode === null) {
      const exited = new Promise((resolve) => relay.once('exit', resolve));
      relay.stdin!.end();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    }
    this.removeAll();
  }
}

function relayStats(relay: ChildProcess): Promise<RelayStats> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: relay.stdout! });
    lines.once('line', (line) => {
      lines.close();
      try {
        resolve(JSON.parse(line) as RelayStats);
      } catch (error) {
        reject(error as Error);
      }
    });
    relay.stdin!.write('stats\n');
  });
}

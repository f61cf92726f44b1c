// The namespaces the emulator owns: their names carry the owner's pid (`sdnet-<pid>-<n>`), so a later run can tell
// the leftovers of a dead owner from another live run's, and every address lies in 10.201.0.0/24 inside them. The
// root namespace gets no interface, address or route: nothing an emulated node sends can leave the emulation.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const NAMESPACE_PREFIX = 'sdnet-';
export const SUBNET = '10.201.0';
export const DEVICE = 'sdtun';

export function namespaceName(owner: number, index: number): string {
  return `${NAMESPACE_PREFIX}${owner}-${index}`;
}

/** Node n's address: 10.201.0.(n + 1). */
export function nodeAddress(index: number): string {
  if (index < 0 || index > 250) throw new Error(`The emulator holds at most 251 nodes, not ${index + 1}.`);
  return `${SUBNET}.${index + 1}`;
}

export function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export const RELAY = fileURLToPath(new URL('./relay.py', import.meta.url));

function failure(error: unknown): string {
  const { stderr, message } = error as { stderr?: Buffer | string; message: string };
  const said = stderr?.toString().trim().split('\n').pop();
  return said || message;
}

let unavailable: string | undefined | null = null;

/**
 * Why the emulator cannot run here, in words; undefined when it can. Beyond the prerequisites it tries the real
 * thing once: a TUN device made by the relay inside a throwaway namespace (`unshare --net`), which a container
 * without the capabilities refuses although it runs as root.
 */
export function emulatorUnavailable(): string | undefined {
  if (unavailable === null) unavailable = findUnavailable();
  return unavailable;
}

function findUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `the network emulator needs Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return 'the network emulator needs root (it makes network namespaces)';
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    return 'the network emulator needs /dev/net/tun, which this machine does not offer';
  }
  for (const [command, args] of [
    ['ip', ['netns', 'list']],
    ['python3', ['--version']],
    ['unshare', ['--version']],
  ] as const) {
    try {
      execFileSync(command, args, { stdio: 'ignore' });
    } catch {
      return `the network emulator needs \`${command}\`, which is missing or fails here`;
    }
  }
  try {
    execFileSync('unshare', ['--net', 'python3', RELAY, '--probe'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    return `the network emulator cannot make a namespace with a TUN device here (${failure(error)})`;
  }
  return undefined;
}

/** The emulator's namespaces on this machine, with their owners' pids. */
export function ownedNamespaces(): { name: string; owner: number }[] {
  const found: { name: string; owner: number }[] = [];
  for (const line of ip(['netns', 'list']).split('\n')) {
    const match = /^(sdnet-(\d+)-\d+)\b/.exec(line.trim());
    if (match) found.push({ name: match[1], owner: Number(match[2]) });
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes node n's namespace, with its loopback up and IPv6 off: the emulation carries IPv4 only, and an IPv6
 * link-local address would give the browsers candidates whose checks could only fail. */
export function createNamespace(name: string): void {
  ip(['netns', 'add', name]);
  ip(['-n', name, 'link', 'set', 'lo', 'up']);
  const off =
    'for f in all default; do echo 1 > /proc/sys/net/ipv6/conf/$f/disable_ipv6; done 2>/dev/null; true';
  execFileSync('ip', ['netns', 'exec', name, 'sh', '-c', off], { stdio: 'ignore' });
}

/** Gives the relay's TUN device in `name` its address, and sends everything else there too (the relay drops what
 * no node owns), so a browser finds a default route and offers its host candidate on that address. */
export function addressNamespace(name: string, address: string): void {
  ip(['-n', name, 'addr', 'add', `${address}/24`, 'dev', DEVICE]);
  ip(['-n', name, 'link', 'set', DEVICE, 'up']);
  ip(['-n', name, 'route', 'add', 'default', 'dev', DEVICE]);
}

/** Ends every process still inside `name` (all were started in it by its owner), then deletes it. */
export function removeNamespace(name: string): void {
  try {
    for (const pid of ip(['netns', 'pids', name]).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    ip(['netns', 'del', name]);
  } catch {
    // Already gone, or removed by a sweep of another run.
  }
}

/** Removes the namespaces whose owner is dead: what a killed run left behind. */
export function sweepStaleNamespaces(): string[] {
  const stale = ownedNamespaces().filter(({ owner }) => owner !== process.pid && !alive(owner));
  for (const { name } of stale) removeNamespace(name);
  return stale.map(({ name }) => name);
}

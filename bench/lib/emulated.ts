// What every bench on the network emulator (netem/) shares: say why it is not run where the emulator cannot run,
// build the app it serves, and run its work on a fresh emulated path with the servers in a node of their own.
import { fileURLToPath } from 'node:url';
import {
  chromiumInNode,
  emulatorUnavailable,
  startPath,
  startTracker,
  type EmulatedTracker,
  type Emulator,
  type PathSpec,
} from '../../netem';
import { LAUNCH_OPTIONS } from '../../playwright.config';
import { browserVersion, buildApp, type ChromiumLaunch } from './app';
import type { BenchContext } from './figure';

const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));
const SERVE_BUNDLE = fileURLToPath(new URL('./serve-bundle.ts', import.meta.url));

/**
 * The folder of the built app, with the browser's version recorded; or undefined, logged with the reason, where
 * the bench cannot run (`unavailable`: the emulator's own reason by default, or a bench's with its own needs).
 */
export async function emulatedBenchStart(
  context: BenchContext,
  unavailable: string | undefined = emulatorUnavailable(),
): Promise<string | undefined> {
  if (unavailable !== undefined) {
    context.log(`  not run, no figures: ${unavailable}`);
    return undefined;
  }
  context.browserVersion ??= await browserVersion();
  return buildApp(context.log);
}

/** An emulated path: the app with its tracker (and WebTorrent's page, when asked) in its `tracker` node, and a
 * Chromium launch for each of its `seeder` and `downloader` nodes, in that order. */
export interface OnPath {
  emulator: Emulator;
  app: EmulatedTracker;
  bundle?: EmulatedTracker;
  launches: ChromiumLaunch[];
}

/** Runs `work` on a fresh emulated path whose losses repeat with `seed`, the app (built into `staticDir`) served on
 * port 8000 and, with `bundle`, WebTorrent's page on 8001; everything is stopped afterwards. */
export async function onEmulatedPath<T>(
  spec: PathSpec,
  { staticDir, seed, bundle = false }: { staticDir: string; seed: number; bundle?: boolean },
  work: (on: OnPath) => Promise<T>,
): Promise<T> {
  const emulator = await startPath(spec, ['tracker', 'seeder', 'downloader'], { seed });
  const servers: EmulatedTracker[] = [];
  const serve = async (port: number, script: string, args: string[]) => {
    servers.push(await startTracker(emulator, 'tracker', port, args, ['--import', 'tsx', script]));
    return servers[servers.length - 1];
  };
  try {
    const app = await serve(8000, SERVE, ['--static-dir', staticDir]);
    const page = bundle ? await serve(8001, SERVE_BUNDLE, []) : undefined;
    const origins = servers.map((server) => server.origin);
    const launches = ['seeder', 'downloader'].map((node) =>
      chromiumInNode(emulator.node(node), LAUNCH_OPTIONS, origins),
    );
    return await work({ emulator, app, bundle: page, launches });
  } finally {
    for (const server of servers) await server.stop();
    await emulator.stop();
  }
}

// What every bench on the network emulator (netem/) does before its runs: say why it is not run where the emulator
// cannot run, and build the app it serves.
import { emulatorUnavailable } from '../../netem';
import { browserVersion, buildApp } from './app';
import type { BenchContext } from './figure';

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

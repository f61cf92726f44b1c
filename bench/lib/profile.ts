// `--profile`: a CPU profile of a tab's main thread over a transfer, summed by function (self time), for the
// paragraphs of docs/performance.md on what limits a figure. (Profiling the engine worker the same way, through
// Target.sendMessageToTarget, stalled the transfer: none of its connections came up.)
import type { CDPSession, Page } from '@playwright/test';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** A V8 CPU profile (Profiler.stop's result, or a .cpuprofile file). */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The top functions of a profile by self time, as lines "12.3 % name file:line". */
export function summarizeProfile(result: CpuProfile, top = 12): string[] {
  const time = new Map<number, number>();
  result.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (result.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>();
  for (const node of result.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber}`;
    byName.set(key, (byName.get(key) ?? 0) + (time.get(node.id) ?? 0));
  }
  const total = [...byName.values()].reduce((a, b) => a + b, 0) || 1;
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, t]) => `${((100 * t) / total).toFixed(1)} % ${name}`);
}

export interface Profiler {
  /** The top functions by self time, as lines "12.3 % name file:line". */
  stop(top?: number): Promise<string[]>;
}

export async function profile(page: Page): Promise<Profiler> {
  const session: CDPSession = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 1000 });
  await session.send('Profiler.start');
  return {
    async stop(top = 12) {
      const { profile: result } = (await session.send('Profiler.stop')) as unknown as {
        profile: CpuProfile;
      };
      await session.detach().catch(() => {});
      return summarizeProfile(result, top);
    },
  };
}

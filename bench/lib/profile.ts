// A V8 CPU profile summed by function (self time): the tracker's `--profile` logs where its processes spend their
// time, for the paragraph of docs/performance.md on what limits its figures.

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

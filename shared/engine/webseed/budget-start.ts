// Where a session on a web-seed budget asks next, so that peers sharing one seed cover the file with the fewest seed
// bytes. Each peer sees only what the others already hold (the picker's availability), not what they are fetching;
// pieces just past a peer's last `have` are the likeliest to be in flight for it. So a budgeted session asks small
// (BUDGET_STEPS requests per budget at least, so later requests see the haves the earlier ones bought) and starts
// each request inside the longest run of pieces no connected peer has, at a random point of its middle half: the
// piece farthest from everybody's progress, as a rarest first would choose. With nothing known yet (the run is the
// whole torrent) it starts at the session's own random piece (spread.ts). Pure: randomness passed in.

/** A budgeted session spends its budget in this many requests at least (each one piece at least). */
export const BUDGET_STEPS = 8;

/** The most bytes one request of a session with this budget may ask for (unbounded without a budget). */
export function budgetStepBytes(budget: number | undefined, pieceLength: number): number {
  if (budget === undefined) return Infinity;
  return Math.max(pieceLength, Math.floor(budget / BUDGET_STEPS));
}

interface Run {
  start: number;
  length: number;
}

/** Runs of consecutive indices in [0, count) for which `wanted` holds, in order. */
export function wantedRuns(count: number, wanted: (index: number) => boolean): Run[] {
  const runs: Run[] = [];
  for (let index = 0; index < count; index++) {
    if (!wanted(index)) continue;
    const last = runs[runs.length - 1];
    if (last && last.start + last.length === index) last.length++;
    else runs.push({ start: index, length: 1 });
  }
  return runs;
}

/** The piece a budgeted request starts at: see the module's comment. Ties between runs go to the first at or after
 * `origin`, so sessions that see the same gaps still pick apart. */
export function budgetStart(
  count: number,
  wanted: (index: number) => boolean,
  origin: number,
  random: () => number,
): number | undefined {
  const runs = wantedRuns(count, wanted);
  if (runs.length === 0) return undefined;
  if (runs.length === 1 && runs[0].length === count) return origin;
  const fromOrigin = [...runs.filter((run) => run.start >= origin), ...runs.filter((run) => run.start < origin)];
  const longest = fromOrigin.reduce((best, run) => (run.length > best.length ? run : best));
  const offset = Math.floor(longest.length / 4 + (random() * longest.length) / 2);
  return longest.start + Math.min(longest.length - 1, offset);
}

// `--wan-swarm-against=<commit>`: the swarm run with the app as built from another commit too, the two engines in
// turns on the same paths (each pair of runs on the same emulator seed), and the time until all are done of ours
// against theirs: a change to the engine decided by runs of one session on one machine, where runs of two sessions
// differ by more than the change (the machine's speed drifts between them).
import { atMost, failedFigure, figure, median, type Figure } from '../lib/figure';
import { intervalText, medianInterval, metOf, ratioInterval, verdictAtMost } from '../lib/interval';
import type { SwarmRun } from './wan-swarm-figures';

/** Which engine goes first in pair `run`: they alternate, so a machine slowing through the session weighs on both. */
export function engineOrder(run: number): Array<'ours' | 'against'> {
  return run % 2 === 0 ? ['ours', 'against'] : ['against', 'ours'];
}

/** The seconds until all were done, of the runs where every tab was. */
function doneTimes(runs: SwarmRun[]): number[] {
  return runs.flatMap((run) => (run.last === null ? [] : [run.last]));
}

const seconds = (values: number[]) => values.map((value) => value.toFixed(1)).join(', ');

/** Ours against the app of `commit`: the medians' ratio, its interval, and "no slower" decided by the interval. */
export function againstFigure(label: string, commit: string, ours: SwarmRun[], theirs: SwarmRun[]): Figure {
  const name = `wan-swarm: ${label}, all done, vs the app of ${commit}`;
  const baselineName = `the app of ${commit} on the same paths, in turns`;
  const ourTimes = doneTimes(ours);
  const theirTimes = doneTimes(theirs);
  const theirMedian = theirTimes.length > 0 ? median(theirTimes) : null;
  const notDone = (runs: SwarmRun[], times: number[]) =>
    `${runs.length - times.length} of ${runs.length} not done`;
  if (ourTimes.length === 0)
    return {
      ...failedFigure(name, 's', baselineName, atMost(1), `ours: ${notDone(ours, ourTimes)}`, theirMedian),
      comparison: true,
    };
  if (theirMedian === null)
    return {
      ...failedFigure(name, 's', baselineName, atMost(1), `${commit}: ${notDone(theirs, theirTimes)}`),
      comparison: true,
    };
  const ratio = ratioInterval(ourTimes, theirTimes);
  const verdict = verdictAtMost(ratio, 1);
  const failures = ourTimes.length < ours.length || theirTimes.length < theirs.length;
  const note =
    `medians of ${ourTimes.length} runs of ours and ${theirTimes.length} of ${commit}'s, in turns` +
    (failures ? ` (ours ${notDone(ours, ourTimes)}, theirs ${notDone(theirs, theirTimes)})` : '') +
    `; the ratio's interval ${intervalText(ratio)}: ${verdict}; ours ${seconds(ourTimes)} s ` +
    `(median within ${intervalText(medianInterval(ourTimes))}), ${commit}'s ${seconds(theirTimes)} s ` +
    `(${intervalText(medianInterval(theirTimes))}); ${ours[ours.length - 1]?.load ?? ''}`;
  const result = figure(
    name,
    median(ourTimes),
    's',
    { name: baselineName, value: theirMedian },
    atMost(1),
    note,
  );
  return { ...result, met: metOf(verdict), comparison: true };
}

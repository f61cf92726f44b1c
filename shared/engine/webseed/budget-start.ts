// Where a session on a web-seed budget asks next, so that peers sharing one seed cover the file with the fewest seed
// bytes. A budgeted session asks small (BUDGET_STEPS requests per budget at least), so its later requests see the
// `have`s its earlier ones and the other peers' bought, and each request starts at a piece drawn at random among the
// pieces no connected peer has (the picker's availability), as a rarest first draws among the rarest. A rule every
// peer applies to the same view (the first such piece, the middle of the longest gap) sends them all to the same
// pieces while their requests are in flight, unseen by each other; a draw spreads them over every gap. Pure:
// randomness passed in.

/** A budgeted session spends its budget in this many requests at least (each one piece at least). */
export const BUDGET_STEPS = 8;

/** The most bytes one request of a session with this budget may ask for (unbounded without a budget). */
export function budgetStepBytes(budget: number | undefined, pieceLength: number): number {
  if (budget === undefined) return Infinity;
  return Math.max(pieceLength, Math.floor(budget / BUDGET_STEPS));
}

/** The piece a budgeted request starts at: one drawn uniformly among those in [0, count) `wanted` holds for. */
export function budgetStart(
  count: number,
  wanted: (index: number) => boolean,
  random: () => number,
): number | undefined {
  const pieces: number[] = [];
  for (let index = 0; index < count; index++) if (wanted(index)) pieces.push(index);
  if (pieces.length === 0) return undefined;
  return pieces[Math.min(pieces.length - 1, Math.floor(random() * pieces.length))];
}

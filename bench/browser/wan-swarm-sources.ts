// Who serves whom in the `wan-swarm` bench: from each tab's peers table (a row per connected peer, its full peer id
// and the bytes received from it in all, as the row's data attributes give them), the bytes each tab received from
// each other peer over a timeline interval.
// A tab's own peer id is never in its own table, so with every tab connected to the others it is the one id of the
// swarm missing from that table. The tail of a swarm reads off these lines: whether a tab still downloading is fed
// at its downlink's rate, and by whom.

/** One row of a peers table: the peer's full id, the bytes received from it since it connected, our requests in
 * flight to it and their smoothed time to a block (ms). */
export interface SourceRow {
  peerId: string;
  received: number;
  requests?: number;
  requestMs?: number;
}

/**
 * Each table's owner: the one id of all those seen in the other tables that is missing from its own. Undefined
 * where that is not exactly one id (a tab not yet connected to everyone).
 */
export function ownPeerIds(tables: (SourceRow[] | undefined)[]): (string | undefined)[] {
  const all = new Set(tables.flatMap((rows) => (rows ?? []).map((row) => row.peerId)));
  return tables.map((rows) => {
    if (!rows) return undefined;
    const seen = new Set(rows.map((row) => row.peerId));
    const missing = [...all].filter((id) => !seen.has(id));
    return missing.length === 1 ? missing[0] : undefined;
  });
}

/** What one tab received from one source over an interval, with its requests to it at the interval's end. */
export interface SourcePart {
  source: string;
  bytes: number;
  requests?: number;
  requestMs?: number;
}

/**
 * What one tab received from each named source between two samples of its table (those it received from or has
 * requests out to), largest first; a peer that reconnected (its count went down) counts from zero.
 */
export function receivedBetween(
  before: SourceRow[] | undefined,
  after: SourceRow[],
  nameOf: (peerId: string) => string,
): SourcePart[] {
  const earlier = new Map((before ?? []).map((row) => [row.peerId, row.received]));
  return after
    .map((row) => {
      const start = earlier.get(row.peerId) ?? 0;
      const bytes = row.received >= start ? row.received - start : row.received;
      return { source: nameOf(row.peerId), bytes, requests: row.requests, requestMs: row.requestMs };
    })
    .filter((part) => part.bytes > 0 || (part.requests ?? 0) > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

/** "tab 1 <- 61 KB/s of 200 (seed 30 r5/840ms, tab 8 20 r3/1200ms)": the rate it received against its downlink, by
 * source, with the requests in flight to each and their smoothed time to a block where the table gave them. */
export function formatSources(
  name: string,
  parts: SourcePart[],
  seconds: number,
  downlinkBytesPerSecond: number,
): string {
  const kb = (bytes: number) => Math.round(bytes / seconds / 1000);
  const total = parts.reduce((sum, part) => sum + part.bytes, 0);
  const requests = (part: SourcePart) =>
    part.requests === undefined
      ? ''
      : ` r${part.requests}/${part.requestMs === undefined ? '-' : part.requestMs}ms`;
  const bySource = parts.map((part) => `${part.source} ${kb(part.bytes)}${requests(part)}`).join(', ');
  return `${name} <- ${kb(total)} KB/s of ${Math.round(downlinkBytesPerSecond / 1000)} (${bySource})`;
}

// What the tracker counts: every room adds to the same counters, which the stats and the tests read.

export interface TrackerCounters {
  announces: number;
  scrapes: number;
  offersRelayed: number;
  answersRelayed: number;
  failures: number;
  peersExpired: number;
  connectionsClosedForAbuse: number;
  /** Connections closed for not announcing within the deadline. */
  connectionsClosedSilent: number;
  /** Connections refused because their address already had the most allowed. */
  connectionsRefused: number;
  /** Answers refused: no such offer relayed to that connection, already answered, or expired. */
  answersRefused: number;
  /** Offers not relayed to a peer (its backlog, its offers this second, its pending offers): sent to another. */
  offersDropped: number;
  /** Peers evicted from a full swarm for a newcomer from an address with fewer peers there. */
  peersEvicted: number;
  /** Frames refused before parsing (nested too deep, too many members). */
  framesRefused: number;
  /** Every message received. */
  messages: number;
  /** Swarms bound to an alias (a hybrid torrent's other info hash) by an announce's `info_hash_alias`. */
  aliasesBound: number;
  /** Alias claims refused: either hash already bound elsewhere, or a peer id in both swarms. */
  aliasesRefused: number;
}

/** Every counter at zero. */
export function newCounters(): TrackerCounters {
  return {
    announces: 0,
    scrapes: 0,
    offersRelayed: 0,
    answersRelayed: 0,
    failures: 0,
    peersExpired: 0,
    connectionsClosedForAbuse: 0,
    connectionsClosedSilent: 0,
    connectionsRefused: 0,
    answersRefused: 0,
    offersDropped: 0,
    peersEvicted: 0,
    framesRefused: 0,
    messages: 0,
    aliasesBound: 0,
    aliasesRefused: 0,
  };
}

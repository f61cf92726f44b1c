// The tracker's worst case of memory: every connection open, each at its limits. docs/security.md states the
// figure for the defaults and memory.test.ts measures the per-item costs it is built from.

/** Measured upper bounds (heap and buffers) of what the tracker holds per item; memory.test.ts holds them. */
export const COST_BYTES = {
  /** An open WebSocket (ws object, TCP socket, session), before any frame or peer. */
  connection: 24 * 1024,
  /** One swarm membership (a peer, its swarm's share, its map entries). */
  peer: 1024,
  /** One offer awaiting its answer (the id and the record; the SDP is never kept). */
  pendingOffer: 512,
};

export interface MemoryLimits {
  maxConnections: number;
  /** The largest frame a connection can make the tracker buffer while it arrives. */
  maxFrameBytes: number;
  /** Unsent bytes past which a connection is closed. */
  maxBufferedBytes: number;
  maxSwarmsPerConnection: number;
  maxPendingOffersPerConnection: number;
}

/** The most one connection can make the tracker hold. */
export function perConnectionBytes(limits: MemoryLimits): number {
  return (
    COST_BYTES.connection +
    limits.maxFrameBytes +
    limits.maxBufferedBytes +
    limits.maxSwarmsPerConnection * COST_BYTES.peer +
    limits.maxPendingOffersPerConnection * COST_BYTES.pendingOffer
  );
}

/** The most every connection together can make the tracker hold, not counting the kernel's socket buffers. */
export function worstCaseMemoryBytes(limits: MemoryLimits): number {
  return limits.maxConnections * perConnectionBytes(limits);
}

/** `3.4 GiB`, `812 KiB`: binary units, one decimal over a KiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

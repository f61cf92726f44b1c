// Whether the browser will let us store a torrent of known size: checked before it is added, so that a download
// that cannot fit is refused with a clear reason instead of failing half-way.
import { formatBytes } from '../ui/format';

export interface StorageEstimateLike {
  quota?: number;
  usage?: number;
}

/** `Not enough storage: needs X, Y free`, or undefined when it fits or the browser does not say. */
export function notEnoughRoom(needed: number, estimate: StorageEstimateLike | undefined): string | undefined {
  if (!estimate || typeof estimate.quota !== 'number' || !Number.isFinite(needed) || needed <= 0)
    return undefined;
  const free = Math.max(0, estimate.quota - (estimate.usage ?? 0));
  if (needed <= free) return undefined;
  return `Not enough storage: needs ${formatBytes(needed)}, ${formatBytes(free)} free`;
}

/** The browser's storage estimate (windows and workers alike), or undefined where there is none. */
export async function browserStorageEstimate(): Promise<StorageEstimateLike | undefined> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (typeof storage?.estimate !== 'function') return undefined;
  try {
    return await storage.estimate();
  } catch {
    return undefined;
  }
}

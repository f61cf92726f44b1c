// A share being hashed, or files being checked against a .torrent, is listed (with its progress) while it runs.
import type { ClientCore } from '../client-core';
import type { ShareProgress } from '../share-progress';

/** Runs `work` with `progress` listed, posted at once, and taken off the list however the work ends. */
export async function whileListed<T>(
  core: ClientCore,
  progress: ShareProgress,
  work: () => Promise<T>,
): Promise<T> {
  const key = core.registry.beginShare(progress);
  core.publisher.publish(true);
  try {
    return await work();
  } finally {
    core.registry.endShare(key);
  }
}

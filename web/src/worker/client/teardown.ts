// A torrent's end: removed by the user (its stored data deleted), or the page going away (every torrent stops).
import type { ClientCore } from './client-core';

/** Removes a torrent, or cancels a share still being hashed (listed under its `hashing-` key). */
export async function removeTorrent(core: ClientCore, infoHashHex: string): Promise<void> {
  core.registry.cancelShare(infoHashHex);
  const host = core.registry.get(infoHashHex);
  if (!host) return;
  core.registry.delete(infoHashHex);
  host.remove();
  core.ctx.torrentGone?.(infoHashHex);
  core.publisher.publish(true);
  await core.storage.deleteStorage(host.pieces, host.record);
}

/** The page is going away: every torrent announces stopped; pending writes and records are flushed. */
export async function shutdown(core: ClientCore): Promise<void> {
  for (const host of core.registry.all()) {
    void host.persist(false);
    host.stop();
  }
  await core.storage.writer.flush();
}

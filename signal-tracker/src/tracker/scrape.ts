// A scrape: the counts of the swarms asked for by hash (the cluster's, while it answers). Never every swarm:
// listing them would hand out every info hash, which is all a stranger needs to download.
import type { ScrapeMessage } from '../../../shared/codec/tracker-protocol';
import type { TrackerRooms } from './rooms';
import type { Session } from './socket-session';
import { failure, scrapeReply } from './replies';

export function scrape(rooms: TrackerRooms, session: Session, message: ScrapeMessage, now: number): void {
  if (message.infoHashes === null) {
    rooms.admission.fail(
      session,
      failure('scrape needs info_hash: this tracker does not list its swarms', 'scrape'),
    );
    return;
  }
  rooms.counters.scrapes++;
  const hashes = message.infoHashes;
  const replyHere = () =>
    scrapeReply(hashes, (infoHash) => rooms.swarms.get(infoHash), rooms.intervalSeconds);
  const cluster = rooms.cluster.directory;
  if (!cluster) {
    session.connection.deliver(replyHere());
    return;
  }
  cluster.counts(hashes, now).then(
    (counts) => {
      if (session.closed) return;
      const reply = replyHere();
      for (const [infoHash, count] of counts) {
        const file = reply.files[infoHash];
        if (file) Object.assign(file, count);
      }
      session.connection.deliver(reply);
    },
    () => {
      if (!session.closed) session.connection.deliver(replyHere());
    },
  );
}

// The tracker sockets the keeper's shares announce over. bittorrent-tracker shares one socket per tracker address in
// a process, and the tracker takes one peer id per socket and swarm, so one socket can announce many swarms with the
// keeper's one peer id. A pool of TRACKER_SOCKETS addresses, each share on the least loaded, bounds the keeper's
// connections from its one address whatever the number of shares, and bounds each socket's swarms: with MAX_SHARES
// shares, 16 swarms a socket, far under the tracker's 200 swarms a connection, and their announces (one a swarm each
// interval, plus an answer to each of at most 20 relayed offers a second) under its 50 messages a second.
import { MAX_SHARES } from './keep-policy';

export const TRACKER_SOCKETS = 16;

/** Swarms on the busiest socket with `shares` shares kept. */
export const swarmsPerSocket = (shares = MAX_SHARES): number => Math.ceil(shares / TRACKER_SOCKETS);

export class TrackerSockets {
  private readonly swarms = new Array<number>(TRACKER_SOCKETS).fill(0);

  constructor(private readonly tracker: string) {}

  /** The address of the least loaded socket for a share joining, and its index to give back. */
  take(): { url: string; index: number } {
    const index = this.swarms.indexOf(Math.min(...this.swarms));
    this.swarms[index]++;
    const url = new URL(this.tracker);
    url.searchParams.set('keeper', String(index));
    return { url: url.toString(), index };
  }

  release(index: number): void {
    this.swarms[index] = Math.max(0, this.swarms[index] - 1);
  }
}

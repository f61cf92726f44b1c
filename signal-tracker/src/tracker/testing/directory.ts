// A cluster directory in memory for the tests of the cluster bridge: it records what the bridge asks and answers
// what the test sets.
import type {
  ClusterDirectory,
  ClusterMessage,
  DirectoryAnnounce,
  DirectoryAnnounceResult,
  SwarmCounts,
} from '../../cluster/directory';

export class RecordingDirectory implements ClusterDirectory {
  readonly process = 'here';
  up = true;
  /** Every call fails, as while Redis is down. */
  failing = false;
  result: DirectoryAnnounceResult = { complete: 0, incomplete: 0, candidates: [] };
  counted = new Map<string, SwarmCounts>();
  readonly announces: DirectoryAnnounce[] = [];
  readonly left: string[] = [];
  /** The connection of each leave, in the same order. */
  readonly leftBy: string[] = [];
  readonly sent: Array<{ process: string; message: ClusterMessage }> = [];

  async announce(announce: DirectoryAnnounce): Promise<DirectoryAnnounceResult> {
    this.announces.push(announce);
    if (this.failing) throw new Error('down');
    return this.result;
  }
  async leave(_infoHash: string, peerId: string, connection: string): Promise<void> {
    this.left.push(peerId);
    this.leftBy.push(connection);
    if (this.failing) throw new Error('down');
  }
  async counts(): Promise<Map<string, SwarmCounts>> {
    if (this.failing) throw new Error('down');
    return this.counted;
  }
  send(process: string, message: ClusterMessage): void {
    this.sent.push({ process, message });
  }
}

/** Lets the directory's settled promises run their continuations. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

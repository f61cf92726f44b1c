// A seeder whose blocks stop mid-fetch while its channel stays open: a store that answers a number of block reads,
// then holds every later one until the test lets it speak. The engine in front of it still sends its handshake, its
// pieces map, keep-alives and choke states; only piece messages stop, as when a peer's uplink or disk hangs.
import { BLOCK_SIZE } from '../../shared/codec/wire';
import { DiskPieceStorage, type DiskLayout } from '../disk-storage';

export class SilentStorage extends DiskPieceStorage {
  /** Block reads answered at once, before the silence. */
  answered = 0;
  /** Block reads held by the silence so far. */
  heldCount = 0;
  private held: Array<() => void> = [];
  private speaking = false;
  private closed = false;

  constructor(
    folder: string,
    layout: DiskLayout,
    verifiedPath: string | undefined,
    private readonly blocksBeforeSilence: number,
  ) {
    super(folder, layout, verifiedPath);
  }

  /** An `openStorage` for NodeHost.add that opens a SilentStorage and hands it to `opened`. */
  static opener(blocksBeforeSilence: number, opened: (store: SilentStorage) => void) {
    return (folder: string, layout: DiskLayout, verifiedPath?: string): SilentStorage => {
      const store = new SilentStorage(folder, layout, verifiedPath, blocksBeforeSilence);
      opened(store);
      return store;
    };
  }

  override async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    // Whole pieces are read to check the files already there: never held.
    if (length <= BLOCK_SIZE && !this.speaking) {
      if (this.answered >= this.blocksBeforeSilence) {
        this.heldCount++;
        await new Promise<void>((resolve) => this.held.push(resolve));
        if (this.closed) throw new Error('the store closed while the read was held');
      } else this.answered++;
    }
    return super.readBlock(index, begin, length);
  }

  /** Ends the silence: the held reads are answered, and every later one at once. */
  speak(): void {
    this.speaking = true;
    for (const resolve of this.held.splice(0)) resolve();
  }

  override async close(): Promise<void> {
    this.closed = true;
    this.speak();
    await super.close();
  }
}

// Who asked for a share, as the keeper remembers it: a keyed hash of the asking address under a key that lives only
// in this process. The per-address bounds (shares, bytes, fetch slots) need to tell one asker from another and
// nothing more, so `keeps.json` never holds an address beside an info hash. After a restart the key is new: shares
// kept before count against the keeper's whole quota until they expire, and against no one's own share.
import { createHmac, randomBytes } from 'node:crypto';

export class RequesterKeys {
  private readonly key = randomBytes(32);

  /** The asker's key: the same for one address within this process, unrelated to it without the key. */
  of(address: string): string {
    return createHmac('sha256', this.key).update(address).digest('hex').slice(0, 32);
  }
}

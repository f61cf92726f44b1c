// The places of incoming connections that have not named their torrent yet, held per address: one address (a host
// opening sockets that send a byte and then nothing) may hold a few places, and when every place is taken the
// newcomer takes the place of the connection that has been silent longest, so silent sockets can delay an honest
// peer's handshake by one round trip, never keep it out.

/** The places of one address: a host behind one NAT opens a few connections at once, not dozens. */
export const UNROUTED_PER_ADDRESS = 4;

interface Place {
  address: string;
  /** When its last bytes came (or it connected). */
  lastActive: number;
}

export class UnroutedSlots<T> {
  private readonly places = new Map<T, Place>();
  private readonly byAddress = new Map<string, Set<T>>();

  constructor(
    private readonly total: number,
    private readonly perAddress = UNROUTED_PER_ADDRESS,
  ) {}

  get size(): number {
    return this.places.size;
  }

  items(): IterableIterator<T> {
    return this.places.keys();
  }

  /** Gives `item` a place for `address` (normalised, see `addressKey`); returns the item whose place it took, if
   * any: the silent longest of the same address when that address has all its places, else of all when every place
   * is taken. The caller closes it. */
  admit(item: T, address: string, now: number): T | undefined {
    const own = this.byAddress.get(address);
    let evicted: T | undefined;
    if (own && own.size >= this.perAddress) evicted = this.idlest(own);
    else if (this.places.size >= this.total) evicted = this.idlest(this.places.keys());
    if (evicted !== undefined) this.delete(evicted);
    this.places.set(item, { address, lastActive: now });
    const set = this.byAddress.get(address) ?? new Set<T>();
    set.add(item);
    this.byAddress.set(address, set);
    return evicted;
  }

  /** Bytes came from `item`. */
  touch(item: T, now: number): void {
    const place = this.places.get(item);
    if (place) place.lastActive = now;
  }

  /** Frees its place (it was routed, closed, or timed out). */
  delete(item: T): void {
    const place = this.places.get(item);
    if (!place) return;
    this.places.delete(item);
    const set = this.byAddress.get(place.address);
    set?.delete(item);
    if (set?.size === 0) this.byAddress.delete(place.address);
  }

  clear(): void {
    this.places.clear();
    this.byAddress.clear();
  }

  private idlest(items: Iterable<T>): T | undefined {
    let idlest: T | undefined;
    let since = Infinity;
    for (const item of items) {
      const lastActive = this.places.get(item)?.lastActive ?? Infinity;
      if (lastActive < since) {
        since = lastActive;
        idlest = item;
      }
    }
    return idlest;
  }
}

/** The address a place is held for: an IPv4-mapped IPv6 address as its IPv4 address (a dual-stack listener sees
 * IPv4 peers so), and an IPv6 address by its /64, the block one host or one subscriber is given. */
export function addressKey(remoteAddress: string | undefined): string {
  const address = (remoteAddress ?? '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const groups = expandIpv6(address.split('%')[0]);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address;
}

/** The eight groups of an IPv6 address (without zone), or undefined when it is not one. */
function expandIpv6(address: string): string[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => group.replace(/^0+(?=.)/, ''));
}

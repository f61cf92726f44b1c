// Which web seeds a link or a .torrent names the tab may fetch from: the same address rule as its trackers
// (tracker-screen.ts), since each web seed gets GET requests from the user's browser and a link must not aim them at
// services on the user's device or network. A web seed is kept when its host is public, or in the same address
// class as one of the app's own trackers (so an app served from 127.0.0.1, a developer's or the tests', may use a
// loopback server).
import { urlClass, type AddressClass } from './address-class';

export function screenWebSeeds(seeds: readonly string[], defaultTrackers: readonly string[]): string[] {
  const allowed = new Set(
    defaultTrackers.map(urlClass).filter((kind): kind is AddressClass => kind !== undefined),
  );
  return seeds.filter((url) => {
    const kind = urlClass(url);
    return kind === 'public' || (kind !== undefined && allowed.has(kind));
  });
}

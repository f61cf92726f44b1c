// A share link opened in the address bar (`/#<magnet link or info hash>[&k=<key>]`): what its confirmation shows,
// read before anything is contacted, or the words of why it cannot be opened.
import { parseMagnet } from '../../../shared/codec/magnet';
import { WRONG_KEY_MESSAGE } from '../../../shared/private-share/private-share';
import { parseShareFragment } from '../lib/links/share-link';
import { screenTrackers } from '../lib/links/tracker-screen';
import { screenWebSeeds } from '../lib/links/web-seed-screen';
import type { PendingLink } from './torrents.svelte';

export type OpenedLink = { pending: PendingLink } | { error: string };

/** `fragment`: the address's fragment without `#`; `ownTracker`: this app's tracker, which every link may use. */
export function openedLink(fragment: string, ownTracker: string): OpenedLink {
  // A private share's key rides after the magnet link (lib/links/share-link.ts).
  const { link, key, badKey } = parseShareFragment(fragment);
  if (badKey) return { error: WRONG_KEY_MESSAGE };
  try {
    const parsed = parseMagnet(link, { v2: true });
    // What the worker keeps on `Download` (the same screen), shown before: the trackers left out, and why.
    const { kept, dropped, unread } = screenTrackers(parsed.trackers, [ownTracker]);
    const webSeeds = screenWebSeeds(parsed.webSeeds, [ownTracker]);
    const [exactSource] = screenWebSeeds(parsed.exactSource ? [parsed.exactSource] : [], [ownTracker]);
    return {
      pending: {
        link,
        ...(key ? { key } : {}),
        name: parsed.name ?? parsed.infoHashHex,
        infoHashHex: parsed.infoHashHex,
        length: parsed.length,
        trackers: kept,
        dropped,
        unread,
        webSeeds,
        ...(exactSource ? { exactSource } : {}),
      },
    };
  } catch (error) {
    return {
      error: `Invalid magnet link or info hash: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

// What the system hands the installed app: `.torrent` files opened with it (the manifest's `file_handlers`), a
// `magnet:` link (`protocol_handlers`), and files from the share sheet (`share_target`, through the service worker:
// lib/files/share-target.ts). None of it acts at once: any page can link to a `magnet:` or post to the share target,
// and a `.torrent` opened by mistake would announce, so each is held and shown until the user confirms it. With `launch_handler: focus-existing`, a launch while the app is open goes to the open
// window's `launchQueue` instead of a new window, so every launch is read from there as well as from the URL the app
// was opened with.
import { SHARED_PAGE, takeShared, type SharedIn } from '../lib/files/share-target';

/** What a launch asks of the app (held.svelte.ts): each is shown for the user to confirm, none acted on. */
export interface LaunchTarget {
  holdTorrentFile(file: File): void;
  holdShare(shared: SharedIn): void;
}

/** The part of the File Handling API's LaunchParams read here. */
export interface LaunchParamsLike {
  targetURL?: string | null;
  files?: readonly { kind: string; getFile?: () => Promise<File> }[];
}

interface LaunchQueueLike {
  setConsumer(consumer: (params: LaunchParamsLike) => void): void;
}

const isTorrent = (file: File) => /\.torrent$/i.test(file.name) || file.type === 'application/x-bittorrent';

/** Whether a URL is the page the service worker sends a share target's POST on to. */
export function isSharedPage(url: URL): boolean {
  return url.searchParams.has(new URL(SHARED_PAGE, url).search.slice(1));
}

/** Shows what the share target left for the page, if anything, to be shared on `Share`. */
export async function holdWhatWasShared(target: LaunchTarget): Promise<void> {
  const shared = await takeShared();
  if (shared) target.holdShare(shared);
}

/**
 * One launch: each `.torrent` file held to be opened on the user's word, a link's fragment handed to the page
 * (`magnet:` opens `/#<link>`, which asks before it downloads, as a share link does), a share target's files held.
 */
export async function handleLaunch(
  params: LaunchParamsLike,
  target: LaunchTarget,
  openFragment: (hash: string) => void,
): Promise<void> {
  for (const handle of params.files ?? []) {
    if (handle.kind !== 'file' || !handle.getFile) continue;
    const file = await handle.getFile();
    if (isTorrent(file)) target.holdTorrentFile(file);
  }
  if (!params.targetURL) return;
  const url = new URL(params.targetURL);
  if (isSharedPage(url)) await holdWhatWasShared(target);
  else if (url.hash.length > 1) openFragment(url.hash);
}

/** Reads the launches of this page: the share the page was opened for, and every launch to come. */
export function receiveLaunches(target: LaunchTarget): void {
  const openedWith = location.href;
  if (isSharedPage(new URL(openedWith))) {
    history.replaceState(null, '', `/${location.hash}`);
    void holdWhatWasShared(target);
  }
  const queue = (window as { launchQueue?: LaunchQueueLike }).launchQueue;
  queue?.setConsumer((params) => {
    // The launch that opened this page names its URL, read above and by the page's own start.
    const targetURL = params.targetURL === openedWith ? undefined : params.targetURL;
    void handleLaunch({ files: params.files, targetURL }, target, (hash) => (location.hash = hash));
  });
}

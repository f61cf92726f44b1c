// A system notification when a download finishes, for people who turned it on (`Tell me when a download
// finishes`): the permission is asked only then, in the click. Shown through the service worker where there is one
// (Chromium on Android has no `new Notification` in a page, only the registration's), else from the page. One per
// torrent: its info hash is the tag, so a second tab's notice replaces the first. The name is a stranger's text, shown
// as the page shows it (`visibleText`): a system notice isolates nothing, so bidirectional controls would reorder it.
import { visibleText } from '../lib/ui/visible-text';

/** How long a notice waits for the service worker the app registers at its start to become active: a small
 * download can finish first, and a notice shown from the page instead is lost where pages cannot show one. */
export const WORKER_WAIT_MS = 5_000;

/** What a notice needs of the browser (the page's globals by default; a test's fakes). */
export interface NotifyScope {
  Notification?: {
    readonly permission: NotificationPermission;
    new (title: string, options?: NotificationOptions): unknown;
  };
  serviceWorker?: Pick<ServiceWorkerContainer, 'ready'>;
}

function pageScope(): NotifyScope {
  return {
    Notification: typeof Notification === 'undefined' ? undefined : Notification,
    serviceWorker: typeof navigator === 'undefined' ? undefined : navigator.serviceWorker,
  };
}

/** Asks for the permission to notify (in the user's click); whether it is granted. */
export async function askToNotify(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false;
  if (Notification.permission === 'granted') return true;
  return (await Notification.requestPermission()) === 'granted';
}

/** Whether this browser can show notifications at all (the setting is offered only then). */
export function canNotify(): boolean {
  return typeof Notification !== 'undefined';
}

/** The service worker's registration once it is active (at once if it already is), or undefined if none is within
 * `waitMs`. */
async function activeRegistration(
  container: NotifyScope['serviceWorker'],
  waitMs: number,
): Promise<ServiceWorkerRegistration | undefined> {
  if (!container) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
  try {
    return await Promise.race([container.ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Says that the download `name` finished, if the permission is granted. */
export async function notifyFinished(
  name: string,
  infoHashHex: string,
  scope: NotifyScope = pageScope(),
  waitMs = WORKER_WAIT_MS,
): Promise<void> {
  const Shown = scope.Notification;
  if (!Shown || Shown.permission !== 'granted') return;
  const options = { body: visibleText(name), tag: infoHashHex, icon: '/icons/icon-192.png' };
  const registration = await activeRegistration(scope.serviceWorker, waitMs);
  if (registration) return registration.showNotification('Download finished', options);
  new Shown('Download finished', options);
}

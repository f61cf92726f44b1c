// A system notification when a download finishes, for people who turned it on (`Tell me when a download
// finishes`): the permission is asked only then, in the click. Shown through the service worker where there is one
// (Chromium on Android has no `new Notification` in a page, only the registration's), else from the page. One per
// torrent: its info hash is the tag, so a second tab's notice replaces the first.

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

/** Says that the download `name` finished, if the permission is granted. */
export async function notifyFinished(name: string, infoHashHex: string): Promise<void> {
  if (!canNotify() || Notification.permission !== 'granted') return;
  const options = { body: name, tag: infoHashHex, icon: '/icons/icon-192.png' };
  const registration = await navigator.serviceWorker?.getRegistration();
  if (registration) return registration.showNotification('Download finished', options);
  new Notification('Download finished', options);
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { notifyFinished, type NotifyScope } from './notify';

type Shown = [string, NotificationOptions | undefined];

/** A page's `Notification` with the permission given, recording what the page showed itself. */
function pageNotifications(permission: NotificationPermission) {
  const shown: Shown[] = [];
  const Notification = class {
    static readonly permission = permission;
    constructor(title: string, options?: NotificationOptions) {
      shown.push([title, options]);
    }
  };
  return { Notification, shown };
}

/** A service worker registration recording what it showed. */
function registration() {
  const shown: Shown[] = [];
  const value = {
    showNotification: async (title: string, options?: NotificationOptions) => {
      shown.push([title, options]);
    },
  } as unknown as ServiceWorkerRegistration;
  return { value, shown };
}

/** A service worker container whose `ready` resolves when `activate` is called (never, if it is not). */
function container() {
  let activate: (registration: ServiceWorkerRegistration) => void = () => {};
  const ready = new Promise<ServiceWorkerRegistration>((resolve) => (activate = resolve));
  return { serviceWorker: { ready }, activate };
}

/** The notice for `film.webm` finishing, a worker waited for at most 5 s. */
const notice = (scope: NotifyScope) => notifyFinished('film.webm', 'ab12', scope, 5_000);

const finished: Shown = [
  'Download finished',
  { body: 'film.webm', tag: 'ab12', icon: '/icons/icon-192.png' },
];

afterEach(() => vi.useRealTimers());

describe('notifyFinished', () => {
  it('shows a name’s bidirectional and invisible characters as code points, as the page does', async () => {
    const page = pageNotifications('granted');
    await notifyFinished('invoice\u202Etxt.exe\u200B', 'ab12', { Notification: page.Notification }, 5_000);
    expect(page.shown).toEqual([
      [
        'Download finished',
        { body: 'invoice[U+202E]txt.exe[U+200B]', tag: 'ab12', icon: '/icons/icon-192.png' },
      ],
    ]);
  });

  it('shows nothing without the permission', async () => {
    const page = pageNotifications('default');
    const worker = registration();
    const { serviceWorker, activate } = container();
    activate(worker.value);
    await notice({ Notification: page.Notification, serviceWorker });
    expect([...page.shown, ...worker.shown]).toEqual([]);
  });

  it('shows the notice through the active service worker, not from the page', async () => {
    const page = pageNotifications('granted');
    const worker = registration();
    const { serviceWorker, activate } = container();
    activate(worker.value);
    await notice({ Notification: page.Notification, serviceWorker });
    expect(worker.shown).toEqual([finished]);
    expect(page.shown).toEqual([]);
  });

  it('waits for a service worker still starting, and shows the notice through it', async () => {
    vi.useFakeTimers();
    const page = pageNotifications('granted');
    const worker = registration();
    const { serviceWorker, activate } = container();
    const done = notice({ Notification: page.Notification, serviceWorker });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(worker.shown).toEqual([]);
    activate(worker.value);
    await done;
    expect(worker.shown).toEqual([finished]);
    expect(page.shown).toEqual([]);
  });

  it('shows the notice from the page when no service worker becomes active in time', async () => {
    vi.useFakeTimers();
    const page = pageNotifications('granted');
    const { serviceWorker } = container();
    const done = notice({ Notification: page.Notification, serviceWorker });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(page.shown).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(page.shown).toEqual([finished]);
  });

  it('shows the notice from the page at once where there is no service worker at all', async () => {
    const page = pageNotifications('granted');
    await notice({ Notification: page.Notification });
    expect(page.shown).toEqual([finished]);
  });
});

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

/** A service worker registration recording what it showed; active or still installing. */
function registration(active: boolean) {
  const shown: Shown[] = [];
  const value = {
    active: active ? {} : null,
    showNotification: async (title: string, options?: NotificationOptions) => {
      shown.push([title, options]);
    },
  } as unknown as ServiceWorkerRegistration;
  return { value, shown };
}

/** A service worker container whose worker is active now, becomes active later (`ready` resolved by hand), or never. */
function container(found: ServiceWorkerRegistration | undefined) {
  let activate: (registration: ServiceWorkerRegistration) => void = () => {};
  const ready = new Promise<ServiceWorkerRegistration>((resolve) => (activate = resolve));
  const serviceWorker = { getRegistration: async () => found, ready } as NotifyScope['serviceWorker'];
  return { serviceWorker, activate };
}

/** The notice for `film.webm` finishing, a worker waited for at most 5 s. */
const notice = (scope: NotifyScope) => notifyFinished('film.webm', 'ab12', scope, 5_000);

const finished: Shown = [
  'Download finished',
  { body: 'film.webm', tag: 'ab12', icon: '/icons/icon-192.png' },
];

afterEach(() => vi.useRealTimers());

describe('notifyFinished', () => {
  it('shows nothing without the permission', async () => {
    const page = pageNotifications('default');
    const worker = registration(true);
    const { serviceWorker } = container(worker.value);
    await notice({ Notification: page.Notification, serviceWorker });
    expect([...page.shown, ...worker.shown]).toEqual([]);
  });

  it('shows the notice through the active service worker, not from the page', async () => {
    const page = pageNotifications('granted');
    const worker = registration(true);
    const { serviceWorker } = container(worker.value);
    await notice({ Notification: page.Notification, serviceWorker });
    expect(worker.shown).toEqual([finished]);
    expect(page.shown).toEqual([]);
  });

  it('waits for a service worker still starting, and shows the notice through it', async () => {
    vi.useFakeTimers();
    const page = pageNotifications('granted');
    const installing = registration(false);
    const worker = registration(true);
    const { serviceWorker, activate } = container(installing.value);
    const done = notice({ Notification: page.Notification, serviceWorker });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(worker.shown).toEqual([]);
    activate(worker.value);
    await done;
    expect(worker.shown).toEqual([finished]);
    expect([...page.shown, ...installing.shown]).toEqual([]);
  });

  it('shows the notice from the page when no service worker becomes active in time', async () => {
    vi.useFakeTimers();
    const page = pageNotifications('granted');
    const { serviceWorker } = container(undefined);
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

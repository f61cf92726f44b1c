// The page's settings: the upload limit and relay-only, remembered in localStorage; whether the tracker offers a
// relay. The engine tab applies them to its bridge (see engine.svelte.ts); a view tab shows the engine tab's.
import { storedUploadLimit } from '../lib/ui/upload-limit';

const UPLOAD_LIMIT_KEY = 'swarmdrop.uploadLimitKiB';
const RELAY_ONLY_KEY = 'swarmdrop.relayOnly';
const ENCRYPT_KEY = 'swarmdrop.encryptShares';
const NOTIFY_KEY = 'swarmdrop.notifyDone';
const COPY_SHARES_KEY = 'swarmdrop.copyShares';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

function readUploadLimit(): number {
  return storedUploadLimit(Number(read(UPLOAD_LIMIT_KEY) ?? 0));
}

export class Settings {
  /** Upload limit in KiB/s; 0 = none. */
  uploadLimitKiB = $state(readUploadLimit());
  /** The tracker hands out TURN relay credentials. */
  relayAvailable = $state(false);
  /** Every connection through the relay only (remembered; applies when a relay is offered). */
  relayOnly = $state(read(RELAY_ONLY_KEY) === '1');
  /** `Encrypt for people with the link`: new shares are private (remembered). */
  encrypt = $state(read(ENCRYPT_KEY) === '1');
  /** `Copy shared files into this browser`: shares are copied even where they could be read in place (remembered). */
  copyShares = $state(read(COPY_SHARES_KEY) === '1');

  /** Keeps and remembers whether shares are copied rather than read in place. */
  rememberCopyShares(on: boolean): void {
    this.copyShares = on;
    remember(COPY_SHARES_KEY, on ? '1' : '0');
  }

  /** `Tell me when a download finishes` (remembered; shown only with the permission granted). */
  notifyDone = $state(read(NOTIFY_KEY) === '1');

  /** Keeps and remembers whether finished downloads are notified. */
  rememberNotifyDone(on: boolean): void {
    this.notifyDone = on;
    remember(NOTIFY_KEY, on ? '1' : '0');
  }

  /** Keeps and remembers the upload limit. */
  rememberUploadLimit(kib: number): void {
    this.uploadLimitKiB = kib;
    remember(UPLOAD_LIMIT_KEY, String(kib));
  }

  /** Keeps and remembers whether new shares are encrypted. */
  rememberEncrypt(on: boolean): void {
    this.encrypt = on;
    remember(ENCRYPT_KEY, on ? '1' : '0');
  }

  /** Keeps and remembers relay-only. */
  rememberRelayOnly(on: boolean): void {
    this.relayOnly = on;
    remember(RELAY_ONLY_KEY, on ? '1' : '0');
  }
}

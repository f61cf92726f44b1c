// Human-readable numbers for the UI.
import type { TorrentView } from '../messages/protocol';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Seconds as `1 h 02 min`, `3 min 05 s`, `42 s`; undefined as a dash. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} days`;
}

/**
 * The status text of a torrent, as the brief names them; a share being hashed is `Preparing…` (nobody is looked for
 * yet), and a download whose unchecked files were left out is `Chosen files done`, not `Seeding` as if it were whole.
 */
export function statusText(
  view: Pick<TorrentView, 'state' | 'error' | 'hashing' | 'checking'> & { files?: TorrentView['files'] },
): string {
  if (view.hashing !== undefined)
    return `${view.checking ? 'Checking the files' : 'Preparing…'} ${Math.floor(view.hashing * 100)}%`;
  if (view.state === 'seeding' && view.files?.some((file) => !file.chosen && !file.complete))
    return 'Chosen files done';
  switch (view.state) {
    case 'fetching-metadata':
      return 'Fetching metadata';
    case 'downloading':
      return 'Downloading';
    case 'seeding':
      return 'Seeding';
    case 'paused':
      return 'Paused';
    case 'stopped':
      return 'Stopped';
    case 'error':
      return `Error: ${view.error ?? 'unknown error'}`;
  }
}

/** `1 peer`, `2 peers`, `0 peers`: a count with its noun in the right number. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The last path component: the name a saved file gets. */
export function baseName(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1] || path;
}

/**
 * A short form of a peer id (hex) that tells two peers of the same app apart: its last 6 hex digits, the random
 * part's end (the start names the app and its version, the same for every peer of that app).
 */
export function shortPeerId(peerIdHex: string): string {
  return peerIdHex.length > 6 ? peerIdHex.slice(-6) : peerIdHex;
}

/** A share of pieces (a piece made of several peers' blocks is split between them): a whole number when it is one to
 * a tenth, else one decimal, so the column still reads as piece counts and adds up to the pieces within rounding. */
export function formatPieces(pieces: number): string {
  const tenths = Math.round(pieces * 10) / 10;
  return Number.isInteger(tenths) ? String(tenths) : tenths.toFixed(1);
}

/** Whole seconds since `start` (at least 1), as `formatDuration` writes them: a wait that has begun. */
export function waitedFor(start: number, now: number): string {
  return formatDuration(Math.max(1, (now - start) / 1000));
}

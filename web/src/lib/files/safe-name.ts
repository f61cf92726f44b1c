// File names from a torrent are chosen by whoever made it: made safe before they name a file on the user's disk.

/** Names Windows reserves for devices, with or without an extension (`CON`, `nul.txt`, `COM1`…). */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
/** Characters Windows, macOS or Linux refuse in a name, and control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
/** Bidirectional controls (which can make `exe.txt` read as `txt.exe`) and zero-width characters. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
/** Most file systems allow 255 bytes per name. */
export const MAX_NAME_BYTES = 255;

/** A file name that is safe and unsurprising on every operating system. */
export function safeFileName(name: string, fallback = 'download'): string {
  let safe = name.normalize('NFC').replace(INVISIBLE, '').replace(FORBIDDEN, '_');
  safe = safe.replace(/[. ]+$/, '').replace(/^ +/, '');
  if (safe === '' || /^\.+$/.test(safe)) safe = fallback;
  if (RESERVED.test(safe)) safe = `_${safe}`;
  return truncateBytes(safe, MAX_NAME_BYTES);
}

/** Cuts a name to `max` UTF-8 bytes, keeping its extension when there is a short one. */
export function truncateBytes(name: string, max: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(name).length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - extension.length);
  const budget = max - encoder.encode(extension).length;
  while (encoder.encode(stem).length > budget) stem = Array.from(stem).slice(0, -1).join('');
  return stem + extension;
}

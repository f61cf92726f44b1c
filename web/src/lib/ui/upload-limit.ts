// The `Upload limit` field: a whole number of KiB/s from 1 up, or empty for none. Anything else is refused with a
// message, and the limit in force stays as it was.

/** What the field's text means: a limit (0 = none), or why it is refused. */
export type UploadLimitInput = { kib: number } | { error: string };

export const UPLOAD_LIMIT_ERROR =
  'Upload limit: enter a whole number of KiB/s, 1 or more (or leave it empty for none)';

/**
 * The field's text as a limit. `badInput`: the browser could not read the number field's text as a number (its
 * value is then empty, though the user typed something).
 */
export function parseUploadLimit(text: string, badInput = false): UploadLimitInput {
  if (badInput) return { error: UPLOAD_LIMIT_ERROR };
  const trimmed = text.trim();
  if (trimmed === '') return { kib: 0 };
  if (!/^\d+$/.test(trimmed)) return { error: UPLOAD_LIMIT_ERROR };
  const kib = Number(trimmed);
  if (!Number.isSafeInteger(kib) || kib < 1) return { error: UPLOAD_LIMIT_ERROR };
  return { kib };
}

/** A limit as stored or carried between tabs: a whole number of KiB/s, 0 for none (anything else is none). */
export function storedUploadLimit(kib: unknown): number {
  return typeof kib === 'number' && Number.isSafeInteger(kib) && kib > 0 ? kib : 0;
}

// The messages under the page's fields, each field showing only its latest, each gone once its cause is: a field's
// message when the field is edited or an action of it works, a refused upload limit when one is taken, a message
// about a torrent when that torrent is gone.

export interface FieldErrors {
  share?: string;
  /** `Torrent to seed` and the files to seed it from. */
  seed?: string;
  magnet?: string;
  torrentFile?: string;
  uploadLimit?: string;
  general?: string;
  /** The torrent the general message is about, if any (it goes with the torrent). */
  generalAbout?: string;
}

/** Sets one field's message (undefined clears it); a general message remembers the torrent it is about. */
export function withError(
  errors: FieldErrors,
  field: Exclude<keyof FieldErrors, 'generalAbout'>,
  text: string | undefined,
  about?: string,
): FieldErrors {
  const next: FieldErrors = { ...errors, [field]: text };
  if (field === 'general') {
    if (text !== undefined && about !== undefined) next.generalAbout = about;
    else delete next.generalAbout;
  }
  return next;
}

/** A share or a download that worked: the earlier messages of adding one no longer apply (nor a general one); a
 * refused upload limit still does, until the field holds one that is taken. */
export function afterSuccess(errors: FieldErrors): FieldErrors {
  return errors.uploadLimit ? { uploadLimit: errors.uploadLimit } : {};
}

/** The messages once the torrent list changed: a general message about a torrent no longer listed goes. */
export function forListed(errors: FieldErrors, listed: readonly string[]): FieldErrors {
  if (errors.generalAbout === undefined || listed.includes(errors.generalAbout)) return errors;
  const next = { ...errors };
  delete next.general;
  delete next.generalAbout;
  return next;
}

// A linear scan of a frame before JSON.parse: nesting depth and member count, outside strings. A valid tracker
// message is at most 4 deep (an announce's offers[i].offer) with a few hundred members (a scrape of 100 hashes), so
// a frame past the limits is refused after reading it once, without building the objects a parse would.

/** Deepest nesting of objects and arrays accepted (a valid message needs 4). */
export const MAX_FRAME_DEPTH = 8;
/** Most commas outside strings (members and elements) accepted (a scrape of 100 hashes needs about 100). */
export const MAX_FRAME_MEMBERS = 512;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
/**
 * `[` (0x5b) and `{` (0x7b), like `]` and `}`, differ only in this bit, and no other character sets it to give
 * either brace: `(c | CASE_BIT) === OPEN_BRACE` tests for both openers at once.
 */
const CASE_BIT = 0x20;
const COMMA = 0x2c;

/**
 * Why `text` is refused before it is parsed, or null when its shape is within the limits. It does not validate
 * JSON (the parse does that); it only bounds what a parse of it could build.
 */
export function frameShapeError(
  text: string,
  maxDepth = MAX_FRAME_DEPTH,
  maxMembers = MAX_FRAME_MEMBERS,
): string | null {
  let depth = 0;
  let members = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end === -1) return null; // unterminated: the parse refuses it
      i = end;
    } else if ((c | CASE_BIT) === OPEN_BRACE) {
      if (++depth > maxDepth) return `invalid message: nested deeper than ${maxDepth}`;
    } else if ((c | CASE_BIT) === CLOSE_BRACE) depth--;
    else if (c === COMMA && ++members > maxMembers) return `invalid message: more than ${maxMembers} members`;
  }
  return null;
}

/**
 * Where the string that opens at `start` ends: the next quote not escaped by an odd run of backslashes, found at
 * native speed; -1 when it never ends.
 */
function stringEnd(text: string, start: number): number {
  let end = start;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}

// Strings that come from a link or a peer (a magnet's `dn`, a torrent's names and paths, tracker URLs, a client's
// name) are shown as what they are: every control character, bidirectional control and invisible character is
// replaced by a visible `[U+XXXX]`, so `invoice\u202Etxt.exe` cannot pose as `invoiceexe.txt` and a name cannot hide
// characters. The components also isolate each such string (`<bdi>`), so right-to-left text in it cannot reorder the
// words around it.

/** Controls (C0, C1, DEL), format characters (bidirectional controls, zero-width characters, soft hyphen, tags),
 * the line and paragraph separators, and the Hangul fillers that render as nothing. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]/gu;

const codePoint = (char: string): string =>
  `[U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`;

/** `text` with every hidden character shown as `[U+XXXX]`. */
export function visibleText(text: string): string {
  return text.replace(HIDDEN, codePoint);
}

// What a web seed's answer must say before its body is read: a 206 whose Content-Range starts elsewhere than the
// range asked for carries other bytes, and is refused before they reach a piece. A page reads Content-Range from
// another origin only when the server lists it in Access-Control-Expose-Headers; when it cannot, the piece's hash
// is what refuses other bytes.

/** The words for a 206 that names other bytes than asked for. */
export const OTHER_BYTES = 'the server sent other bytes than asked for';

/** Why a 206 with this Content-Range cannot be the bytes from `start` on (undefined: it can, or the header is not
 * readable here). A range that ends before the one asked is a short body, left to the engine. */
export function contentRangeRefusal(header: string | null, start: number): string | undefined {
  if (header === null) return undefined;
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
  return match && Number(match[1]) === start && Number(match[2]) >= start ? undefined : OTHER_BYTES;
}

// SubRip (.srt) to WebVTT, for a video's text tracks: browsers read only WebVTT in `<track>`. SRT as found in the
// wild: a byte order mark, CRLF or CR line ends, comma decimals, hours or milliseconds with fewer digits, no blank
// line after the last cue, blank lines made of spaces, coordinates after the times, `<font>` and other HTML tags and
// ASS override codes (`{\an8}`), and text with bare `&` or `<`. WebVTT knows `<b>`, `<i>` and `<u>`; everything else
// is dropped or escaped, so no cue fails to parse and no markup reaches the page as markup.

/** `h:mm:ss,mmm` (any digits per part, comma or dot) as WebVTT's `hh:mm:ss.mmm`; null if it is not a time. */
function vttTime(text: string): string | null {
  const match = /^(\d{1,3}):(\d{1,2}):(\d{1,2})(?:[,.:](\d{1,3}))?$/.exec(text.trim());
  if (!match) return null;
  const [, hours, minutes, seconds, millis = '0'] = match;
  const pad = (value: string, width: number) => value.padStart(width, '0');
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${millis.padEnd(3, '0')}`;
}

/** `start --> end [coordinates]` as a WebVTT timing line; null if the line is not one. */
function timingLine(line: string): string | null {
  const [from, rest] = line.split('-->');
  if (rest === undefined) return null;
  const start = vttTime(from);
  const end = vttTime(rest.trim().split(/\s+/)[0] ?? '');
  return start && end ? `${start} --> ${end}` : null;
}

const KEPT_TAG = /^<\/?[biu]>$/i;

/** A line of cue text: `<b>`, `<i>`, `<u>` kept, other tags and ASS codes dropped, `&` and a stray `<` escaped. */
function cueText(line: string): string {
  return line
    .replace(/\{\\[^}]*\}/g, '')
    .replace(/&(?![a-z]+;|#\d+;|#x[0-9a-f]+;)/gi, '&amp;')
    .replace(/<\/?[a-z][^<>]*>|</gi, (tag) =>
      tag === '<' ? '&lt;' : KEPT_TAG.test(tag) ? tag.toLowerCase() : '',
    )
    .replace(/-->/g, '--&gt;');
}

/** One SRT block (its lines) as a WebVTT cue; null for a block with no timing line. */
function cue(lines: string[]): string | null {
  for (const [at, line] of lines.entries()) {
    const timing = timingLine(line);
    if (!timing) continue;
    const text = lines
      .slice(at + 1)
      .map(cueText)
      .filter((kept) => kept.trim() !== '');
    return [timing, ...text].join('\n');
  }
  return null;
}

/** An SRT file's text as a WebVTT file's text. */
export function srtToVtt(srt: string): string {
  const lines = srt.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const cues: string[] = [];
  let block: string[] = [];
  const flush = () => {
    const made = block.length > 0 ? cue(block) : null;
    if (made) cues.push(made);
    block = [];
  };
  for (const line of lines) {
    // A time line starts a cue even with no blank line before it (a cue's number then ends the
    // previous cue's text: dropped, as a cue number is).
    if (line.trim() === '') flush();
    else if (timingLine(line) && block.some((l) => timingLine(l))) {
      const number = /^\d+$/.test(block[block.length - 1]?.trim() ?? '') ? block.pop() : undefined;
      flush();
      if (number !== undefined) block.push(number);
      block.push(line);
    } else block.push(line);
  }
  flush();
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

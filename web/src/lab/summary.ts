// An experiment's summary (the CLI writes it as Markdown: paragraphs with **bold** numbers, and tables) as blocks
// the Lab page renders itself: paragraphs of plain and strong runs, and tables of cells. No HTML is produced here,
// so nothing in a summary can inject markup.

export interface TextRun {
  text: string;
  strong: boolean;
}

export type SummaryBlock =
  { kind: 'paragraph'; runs: TextRun[] } | { kind: 'table'; header: string[]; rows: string[][] };

/** `**bold**` spans become strong runs; the rest is plain text. */
export function textRuns(text: string): TextRun[] {
  const parts = text.split('**');
  // An odd number of `**`: the last one has no partner and stays as written.
  if (parts.length % 2 === 0) parts.splice(-2, 2, `${parts[parts.length - 2]}**${parts[parts.length - 1]}`);
  return parts
    .map((part, index) => ({ text: part, strong: index % 2 === 1 }))
    .filter((run) => run.text !== '');
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

const isTableLine = (line: string) => line.trim().startsWith('|');
const isRule = (line: string) => /^\|?(\s*:?-{3,}:?\s*\|)+\s*:?-{0,}:?\s*\|?$/.test(line.trim());

export function parseSummary(markdown: string): SummaryBlock[] {
  const blocks: SummaryBlock[] = [];
  const lines = markdown.split('\n');
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', runs: textRuns(paragraph.join(' ')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isTableLine(line) && i + 1 < lines.length && isRule(lines[i + 1])) {
      endParagraph();
      const header = cells(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && isTableLine(lines[i])) rows.push(cells(lines[i++]));
      i--;
      blocks.push({ kind: 'table', header, rows });
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line.trim());
    }
  }
  endParagraph();
  return blocks;
}

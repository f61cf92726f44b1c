// The "Also at" field of the send panel: one web seed URL a line, each checked as any web seed is.
import { checkWebSeed, MAX_WEB_SEEDS } from '../../../../shared/codec/web-seeds';

/** The checked URLs (without repeats, at most MAX_WEB_SEEDS) and the lines that are not web seed URLs. */
export function alsoAtUrls(text: string): { urls: string[]; invalid: string[] } {
  const urls: string[] = [];
  const invalid: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const url = checkWebSeed(line);
    if (url === undefined) invalid.push(line.trim());
    else if (!urls.includes(url) && urls.length < MAX_WEB_SEEDS) urls.push(url);
  }
  return { urls, invalid };
}

// A share link's exact source (BEP 9 `xs=`): its .torrent, fetched from the web server that holds its files, so a
// download starts when no peer is online (a magnet link carries no info dictionary, and a web seed serves only file
// bytes). The answer is a stranger's: read to at most MAX_EXACT_SOURCE_BYTES, given up after
// EXACT_SOURCE_TIMEOUT_MS, and every failure said in words naming the server; the caller takes the .torrent only
// when its info hash is the link's.
import { webSeedHost } from '../../../shared/codec/web-seeds';
import { exactSourceFile } from '../lib/links/exact-source-words';
import { directSeedFetch, type SeedResponse, type SeedTransport } from './seed-transport';

/** Bytes of a .torrent fetched by its link: its info is at most 8 MiB (MAX_INFO_BYTES), and a v2 .torrent's piece
 * layers come beside it. */
export const MAX_EXACT_SOURCE_BYTES = 16 * 1024 * 1024;
/** How long the whole fetch may take: a server that holds the files answers for a small file in well under this. */
export const EXACT_SOURCE_TIMEOUT_MS = 15_000;

/** Why the .torrent could not be had, in words that name the server and the file. */
export class ExactSourceError extends Error {
  override name = 'ExactSourceError';
}

export interface ExactSourceOptions {
  transport?: SeedTransport;
  maxBytes?: number;
  timeoutMs?: number;
}

/** Fetches the .torrent at `url`; throws ExactSourceError with why it could not. */
export async function fetchExactSource(url: string, options: ExactSourceOptions = {}): Promise<ArrayBuffer> {
  const { transport = directSeedFetch(), maxBytes = MAX_EXACT_SOURCE_BYTES } = options;
  const timeoutMs = options.timeoutMs ?? EXACT_SOURCE_TIMEOUT_MS;
  const where = `${exactSourceFile(url)} on ${webSeedHost(url)}`;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await transport({ url }, controller.signal);
    return await readBounded(response, where, maxBytes);
  } catch (error) {
    if (error instanceof ExactSourceError) throw error;
    if (timedOut) throw new ExactSourceError(`${where} did not come within ${timeoutMs / 1000} s`);
    // Fetch says no more for a refused CORS answer than for a server that cannot be reached.
    throw new ExactSourceError(
      `${where} could not be read: the server cannot be reached, or does not allow this page to read it ` +
        '(Access-Control-Allow-Origin)',
    );
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** The answer's bytes, refused past `maxBytes` (by its Content-Length when it says, else as they come). */
async function readBounded(response: SeedResponse, where: string, maxBytes: number): Promise<ArrayBuffer> {
  if (response.status === 404 || response.status === 410)
    throw new ExactSourceError(`${where} is not there (${response.status})`);
  if (response.status !== 200) throw new ExactSourceError(`${where}: the server answered ${response.status}`);
  const tooLarge = new ExactSourceError(`${where} is larger than a .torrent may be (${maxBytes} bytes)`);
  if (Number(response.headers.get('Content-Length') ?? 0) > maxBytes) throw tooLarge;
  if (!response.body) throw new ExactSourceError(`${where}: the server sent no bytes`);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw tooLarge;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}

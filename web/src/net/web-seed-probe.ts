// Why a web seed's fetch failed, in words. A browser tells a page no more than that a fetch failed, so two HEAD
// requests that need no preflight tell the cases apart: one with `redirect: 'manual'` (a redirect comes back
// opaque, without being followed) and one in `no-cors` mode (its answer is opaque, but it comes only from a server
// that answers). A redirect is per file, so a redirect that fails drops that file from the seed; a server that
// answers but does not allow this site is out for every file.
import type { WebSeedFailure } from '../../../shared/engine/contract/engine-types';
import { webSeedHost } from '../../../shared/codec/web-seeds';
import type { SeedProbe } from '../lib/messages/seed-requests';
import type { SeedResponse, SeedTransport } from './seed-transport';

/** The words for a seed this site may not read (CORS). */
export const corsRefusal = (url: string): string =>
  `The server ${webSeedHost(url)} does not let this site read it`;

/** The words for a file sent on to a server this site may not read. */
export const REDIRECTED_TO_CORS = 'it is sent on to a server that does not let this site read it';
/** The words for a file whose redirects never reach an answer. */
export const REDIRECTS_LEAD_NOWHERE = 'its redirects lead nowhere (a loop, or a server that does not answer)';

/** Does the probe come back at all (an opaque answer counts)? */
async function answers(
  transport: SeedTransport,
  url: string,
  probe: SeedProbe,
): Promise<SeedResponse | undefined> {
  try {
    return await transport({ url, probe }, new AbortController().signal);
  } catch {
    return undefined;
  }
}

/** Does the seed's server answer `url` with a redirect? (A browser's opaque redirect, or Node's 3xx.) */
async function redirects(transport: SeedTransport, url: string): Promise<boolean> {
  const answer = await answers(transport, url, 'redirect');
  return (
    answer !== undefined &&
    (answer.type === 'opaqueredirect' || (answer.status >= 300 && answer.status < 400))
  );
}

/** After a failed fetch of `url`: why, as the engine takes it. */
export async function explainFetchFailure(transport: SeedTransport, url: string): Promise<WebSeedFailure> {
  const reached = (await answers(transport, url, 'reach')) !== undefined;
  if (await redirects(transport, url))
    return { reason: reached ? REDIRECTED_TO_CORS : REDIRECTS_LEAD_NOWHERE, dropFile: true };
  return reached ? { reason: corsRefusal(url), blocked: 'cors' } : { reason: 'network error' };
}

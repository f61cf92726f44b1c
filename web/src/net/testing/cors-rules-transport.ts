// Test helper: a web seed's requests over Node's fetch with the rules a browser applies to a page's cross-origin
// requests, which Node's fetch does not: an answer, a redirect included, without Access-Control-Allow-Origin is a
// network error (a TypeError, all a page is told); redirects are followed one at a time, at most 20; a `no-cors` HEAD
// comes back opaque from any server that answers, and a `redirect: 'manual'` HEAD as an opaque redirect. With it the
// fetcher's account of a failure (web-seed-probe.ts) meets the cases a browser gives it, against real servers.
import { seedRequestInit, type SeedResponse, type SeedTransport } from '../seed-transport';

/** The most redirects a browser's fetch follows. */
const MAX_REDIRECTS = 20;

const networkError = () => new TypeError('Failed to fetch');

/** An answer a page cannot read: only its type says anything. */
const opaque = (type: 'opaque' | 'opaqueredirect'): SeedResponse => ({
  status: 0,
  type,
  redirected: false,
  url: '',
  headers: new Headers(),
  body: null,
});

const allowsThisSite = (answer: Response): boolean =>
  answer.headers.get('Access-Control-Allow-Origin') === '*';

const redirectTarget = (answer: Response): string | null =>
  answer.status >= 300 && answer.status < 400 ? answer.headers.get('Location') : null;

/** A SeedTransport that refuses what a browser refuses a page at another origin than the seed's. */
export function corsRulesTransport(): SeedTransport {
  return async (request, signal) => {
    const { mode, redirect, ...init } = seedRequestInit(request, signal);
    let url = request.url;
    for (let hops = 0; hops <= MAX_REDIRECTS; hops++) {
      const answer = await fetch(url, { ...init, redirect: 'manual' });
      const target = redirectTarget(answer);
      if (mode !== 'no-cors' && !allowsThisSite(answer)) throw networkError();
      if (target !== null && redirect === 'manual') return opaque('opaqueredirect');
      if (target === null) {
        if (mode === 'no-cors') return opaque('opaque');
        const { status, headers, body } = answer;
        return { status, type: 'cors', redirected: hops > 0, url, headers, body };
      }
      await answer.body?.cancel();
      url = new URL(target, url).href;
    }
    throw networkError();
  };
}

// Where the engine's web-seed requests are made: the one place that decides it. Gecko (Firefox) does not cancel a
// fetch that a dedicated worker aborts when a service worker controls that worker: the connection stays open and a
// server that answers late still sends its whole answer, so a budget lowered while requests are in flight would be
// overrun. The same fetch made by the page is cancelled at once, so in Gecko the page makes them for the worker
// (page-seed-fetch.ts). Elsewhere the worker's own fetch is cancelled, and the bytes need not cross the page.
//
// No feature tells this behaviour apart, so the engine is named: by the `Gecko/<build>` token of Gecko's user agent
// (Blink and WebKit say `like Gecko`, with no slash; Firefox on iOS is WebKit and says `FxiOS`, not `Gecko/`).

/** The context that makes the engine's web-seed requests. */
export type SeedRequestPlace = 'worker' | 'page';

/** Where a browser whose user agent is `userAgent` makes the engine's web-seed requests. */
export function seedRequestPlace(userAgent: string): SeedRequestPlace {
  return /\bGecko\/\d/.test(userAgent) ? 'page' : 'worker';
}

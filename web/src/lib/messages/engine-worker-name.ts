// What a test or a bench asks of the engine worker through the page's address, carried in the worker's name: the
// worker needs it before its first torrent session, so it travels with the worker's start rather than in a message
// after it. Only the parameters listed here pass (each `key=value`, its value a plain word or number); what each
// value means is read, and checked, by the module that uses it (serve-hold-switch.ts, super-seed-switch.ts,
// peer-exchange-switch.ts). Without any of them the worker's name is the plain one and the engine keeps its defaults.
// Never a user-facing setting. A parameter that changes what the tab serves (the test hold) passes only for a page a
// browser automation drives (`navigator.webdriver`): a link someone sends cannot make a person's tab serve less.

const WORKER_NAME = 'swarmdrop-engine';
/** A test's hold: each torrent serves this many pieces until the test releases it (serve-hold-switch.ts). */
export const HOLD_PIECES_PARAM = 'hold-pieces';
/** A test's hold on one piece: each torrent serves every piece but this one until released. */
export const HOLD_PIECE_PARAM = 'hold-piece';
/** A bench's switch: `off` turns super-seeding off for every torrent (super-seed-switch.ts). */
export const SUPER_SEED_PARAM = 'super-seed';
/** A bench's switch: `off` turns peer exchange off for every torrent (peer-exchange-switch.ts). */
export const PEER_EXCHANGE_PARAM = 'peer-exchange';
const PARAMS = [HOLD_PIECES_PARAM, HOLD_PIECE_PARAM, SUPER_SEED_PARAM, PEER_EXCHANGE_PARAM];
/** Passed only when the page is driven by a browser automation. */
const AUTOMATION_ONLY = [HOLD_PIECES_PARAM, HOLD_PIECE_PARAM, SUPER_SEED_PARAM, PEER_EXCHANGE_PARAM];
const VALUE = /^[\w.-]+$/;

/** The engine worker's name for a page at `search` (its address's query); `automated` is the page's
 * `navigator.webdriver`. */
export function engineWorkerName(search: string, automated = false): string {
  const query = new URLSearchParams(search);
  const options: string[] = [];
  for (const param of PARAMS) {
    if (!automated && AUTOMATION_ONLY.includes(param)) continue;
    const value = query.get(param);
    if (value !== null && VALUE.test(value)) options.push(`${param}=${value}`);
  }
  return [WORKER_NAME, ...options].join(' ');
}

/** The value of `param` in a worker named `name`; undefined when it has none, or the name is not one
 * `engineWorkerName` makes. */
export function workerOption(name: string, param: string): string | undefined {
  const [first, ...options] = name.split(' ');
  if (first !== WORKER_NAME) return undefined;
  let found: string | undefined;
  for (const option of options) {
    const at = option.indexOf('=');
    const key = option.slice(0, at);
    const value = option.slice(at + 1);
    if (at < 0 || !PARAMS.includes(key) || !VALUE.test(value)) return undefined;
    if (key === param) found = value;
  }
  return found;
}

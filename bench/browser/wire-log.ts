// The requests, cancels, rejects and blocks each of two tabs sent, by piece, with what the channel held when each
// went out (`--log-wire`, with `--log-reads`): next to the player's reads from a seek, it tells which pieces the
// downloader asked for in which order, which of them the seeder sent ahead of the one the player waited for, and
// whether a `cancel` reached them in time.
import type { Page } from '@playwright/test';
import { evaluateInTab, readFromTab } from './tab-scopes';
import { WIRE_SCAN } from './wire-scan';

/** The message types logged. */
const LOGGED = ['request', 'piece', 'cancel', 'reject'];

/** Records each logged message a scope sends: when, its type, its piece, and what its channel held then. */
const LOG_SENDS = `${WIRE_SCAN}
(() => {
  const scope = globalThis;
  if (scope.benchWire || typeof RTCDataChannel === 'undefined') return;
  const sent = [];
  scope.benchWire = sent;
  const logged = new Set(${JSON.stringify(LOGGED)});
  const scan = scope.benchWireScanner();
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    scan(this, data, (name, index) => {
      if (logged.has(name)) sent.push([Date.now(), name, index, this.bufferedAmount]);
      if (sent.length > 40000) sent.splice(0, 20000);
    });
    return send.call(this, data);
  };
})()`;

type Sent = [at: number, type: string, index: number, held: number];

/** Starts recording what `page` (and its workers) send; the function returns it, oldest first. Call before its
 * connections open. */
export async function recordWire(page: Page): Promise<() => Promise<Sent[]>> {
  await evaluateInTab(page, LOG_SENDS);
  return async () => {
    const all = await readFromTab<Sent[]>(page, 'globalThis.benchWire');
    return all.flatMap((sent) => sent ?? []).sort((a, b) => a[0] - b[0]);
  };
}

/** Logs both tabs' messages from `from` (a Date.now() time, less a little before) to `to`, a line per run of one
 * tab's messages of one type: its time from `from`, who sent what (a seeder's block with what its channel held, in
 * KB), then the pieces. */
export function logWire(
  log: (message: string) => void,
  tabs: Record<'seeder' | 'downloader', Sent[]>,
  from: number,
  to: number,
): void {
  const all = Object.entries(tabs)
    .flatMap(([tab, sent]) => sent.map((message) => ({ tab, message })))
    .filter(({ message: [at] }) => at >= from - 300 && at <= to)
    .sort((a, b) => a.message[0] - b.message[0]);
  log(`  what each tab sent, from the seek:`);
  let line: string[] = [];
  let run = '';
  for (const { tab, message } of all) {
    const [at, type, index, held] = message;
    if (`${tab} ${type}` !== run && line.length > 0) log(`    ${line.join(' ')}`);
    if (`${tab} ${type}` !== run || line.length === 0) {
      const holding = type === 'piece' ? ` (${Math.round(held / 1000)} KB held)` : '';
      line = [`${((at - from) / 1000).toFixed(3)} s ${tab} ${type}${holding}:`];
      run = `${tab} ${type}`;
    }
    line.push(String(index));
  }
  if (line.length > 0) log(`    ${line.join(' ')}`);
}

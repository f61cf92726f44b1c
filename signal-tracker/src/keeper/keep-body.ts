// A keeper route's request body, read only once guardBody (keep-guard.ts) let it in, and at most its route's bound:
// past the bound reading stops and the rest is never taken in (the reply closes the connection). The bytes the
// body did not use go back to its address's budget.
import type { IncomingMessage } from 'node:http';
import type { KeepBudget } from './keep-budget';
import { guardBody, TOO_LARGE, type Refusal } from './keep-guard';

/** A refusal; `unread` when the body was left unread. */
export type Refused = Refusal & { unread?: boolean };

/** A body as a JSON object, or refused: its status and words. */
export type ReadBody = { value: Record<string, unknown> } | Refused;

/** Where a body's bytes are paid from: the budget, the sender's address and the clock. */
export interface BodyPayer {
  budget: KeepBudget;
  address: string;
  now: () => number;
}

/** The bytes of a body, or TOO_LARGE once they pass `bound`: then reading stops. */
function readBytes(req: IncomingMessage, bound: number): Promise<Buffer | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= bound) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      resolve(TOO_LARGE);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // not JSON: refused by the caller
  }
  return undefined;
}

/** The body as a JSON object once it is paid for, or a refusal in words (refused unread before a byte is read). */
export async function readJson(req: IncomingMessage, bound: number, payer: BodyPayer): Promise<ReadBody> {
  const guard = guardBody(req, payer.budget, payer.address, bound, payer.now());
  if ('error' in guard) return { ...guard, unread: true };
  const body = await readBytes(req, bound);
  const used = body === TOO_LARGE ? bound : body.length;
  payer.budget.refund(payer.address, payer.now(), Math.max(0, guard.reserved - used));
  if (body === TOO_LARGE) return { status: 413, error: TOO_LARGE, unread: true };
  const value = parseObject(body);
  return value ? { value } : { status: 400, error: 'Not a keep request.' };
}

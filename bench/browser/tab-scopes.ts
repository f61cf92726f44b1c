// A tab's scripting scopes: its page and its workers (the engine's worker holds the data channels the page moved to
// it). The benches' diagnostics install their wrappers in each scope and read what each gathered.
import type { Page } from '@playwright/test';

/** Evaluates `script` in the page and in each of its workers. */
export async function evaluateInTab(page: Page, script: string): Promise<void> {
  await page.evaluate(script);
  for (const worker of page.workers()) await worker.evaluate(script);
}

/** `expression`'s value in the page and in each of its workers; undefined where it is missing or the scope is gone. */
export async function readFromTab<T>(page: Page, expression: string): Promise<Array<T | undefined>> {
  const read = (scope: { evaluate<R>(expression: string): Promise<R> }) =>
    scope.evaluate<T | undefined>(expression).catch(() => undefined);
  return [await read(page), ...(await Promise.all(page.workers().map(read)))];
}

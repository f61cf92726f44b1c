// axe-core and the keyboard in Firefox, which puppeteer-core drives over WebDriver BiDi (no @axe-core/playwright
// there): axe-core's own source is evaluated in the page and run on it; keys are pressed through puppeteer's keyboard
// and the focus read from the page's DOM.
import axe from 'axe-core';
import type { Page } from 'puppeteer-core';

/** axe-core's serious and critical violations on the page (or in `include`, a selector), one line each, as
 * helpers.ts `seriousViolations` gives them in Chromium. */
export async function seriousViolationsInFirefox(page: Page, include?: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  return page.evaluate(async (include) => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const results = await run(include ? { include: [include] } : document, { resultTypes: ['violations'] });
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      );
  }, include);
}

/** Whether the element that has the focus matches `selector`. */
export function focusIsOn(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, selector);
}

/** Presses Tab (Shift+Tab with `back`) until the focus is on an element matching `selector`. */
export async function tabToInFirefox(page: Page, selector: string, back = false): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    if (await focusIsOn(page, selector)) return;
    if (back) await page.keyboard.down('Shift');
    await page.keyboard.press('Tab');
    if (back) await page.keyboard.up('Shift');
  }
  throw new Error(`${back ? 'Shift+Tab' : 'Tab'} never reached ${selector}`);
}

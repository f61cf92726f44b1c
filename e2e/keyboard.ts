// Reaching a control as a keyboard user does: by the page's own focus order.
import type { Locator, Page } from '@playwright/test';

/** Presses `key` (Tab, or Shift+Tab to go back) until `target` has the focus. */
export async function tabTo(page: Page, target: Locator, key = 'Tab'): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${String(target)}`);
}

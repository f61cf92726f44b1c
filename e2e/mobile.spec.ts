// The first screen on a 360 px wide phone: nothing scrolls sideways, the header's texts are whole (none cut, none
// wrapped onto a second line), and the link field's placeholder fits its field. Screenshots are attached.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { openApp, randomFile, shareFiles, tempDir } from './helpers';

test.use({ viewport: { width: 360, height: 740 } });

async function expectFits(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const layout = await page.evaluate(() => {
    const root = document.scrollingElement!;
    const header = document.querySelector('header')!;
    // Leaf texts of the header: each on one line and inside the viewport.
    const texts = [...header.querySelectorAll<HTMLElement>('h1, label, a, span, [role="status"]')].filter(
      (element) => element.children.length === 0 && element.offsetParent !== null,
    );
    const broken = texts
      .filter((element) => {
        const box = element.getBoundingClientRect();
        const lineHeight = parseFloat(getComputedStyle(element).lineHeight) || 20;
        return box.right > window.innerWidth || box.left < 0 || box.height > lineHeight * 1.5;
      })
      .map((element) => element.textContent);
    // Nothing sticks out of its card (a panel or a torrent).
    const outside = [...document.querySelectorAll<HTMLElement>('.panel, .torrent')].flatMap((card) => {
      const right = card.getBoundingClientRect().right;
      return [...card.querySelectorAll<HTMLElement>('*')]
        .filter((element) => element.getBoundingClientRect().right > right + 0.5)
        .map((element) => element.textContent || element.tagName);
    });
    const field = document.querySelector<HTMLInputElement>('#magnet-input')!;
    const style = getComputedStyle(field);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = `${style.fontSize} ${style.fontFamily}`;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {
      scrollWidth: root.scrollWidth,
      clientWidth: root.clientWidth,
      broken,
      outside,
      placeholder: context.measureText(field.placeholder).width,
      room,
    };
  });
  expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
  expect(layout.broken).toEqual([]);
  expect(layout.outside).toEqual([]);
  expect(layout.placeholder).toBeLessThanOrEqual(layout.room);
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('the first screen fits a 360 px phone, empty and with a torrent listed', async ({ page }, testInfo) => {
  await openApp(page);
  await expect(page.getByRole('heading', { name: 'SwarmDrop' })).toBeVisible();
  await expectFits(page, testInfo, 'phone-360-empty');

  const file = randomFile(tempDir(), 'a-rather-long-file-name-from-a-phone-camera.jpg', 200_000);
  await shareFiles(page, file.path, file.name);
  await expectFits(page, testInfo, 'phone-360-torrent');
});

test('the Swarm lab page fits a 360 px phone too', async ({ page }, testInfo) => {
  await page.goto('/lab.html');
  await expect(page.getByRole('heading', { name: 'Swarm lab' })).toBeVisible();
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    clientWidth: document.scrollingElement!.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  const path = testInfo.outputPath('lab-360.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('lab-360', { path, contentType: 'image/png' });
});

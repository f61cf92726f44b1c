import { expect, test, type Page } from '@playwright/test';

/** The styles that make the app's look: page colours, the font, a primary button's colours. */
async function look(page: Page, button: string) {
  return page.evaluate((name) => {
    const body = getComputedStyle(document.body);
    const primary = [...document.querySelectorAll('button, label.button')].find(
      (element) => element.textContent?.trim() === name,
    )!;
    const style = getComputedStyle(primary);
    return {
      background: body.backgroundColor,
      font: body.fontFamily,
      button: [style.backgroundColor, style.color, style.borderRadius, style.fontFamily],
    };
  }, button);
}

// The Lab page runs an experiment of lab/ in a worker and draws its charts from the numbers.
test('the Lab page runs a small scalability experiment and draws its charts', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/');
  await expect(page.getByText('Starting…')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByText('Share files', { exact: true }).first()).toBeVisible();
  const appLook = await look(page, 'Share files');
  await page.getByRole('link', { name: 'Swarm lab' }).click();
  await expect(page).toHaveURL(/\/lab\.html$/);
  // The lab page mounts after its script loads: wait for its button before reading its styles.
  await expect(page.getByRole('button', { name: 'Run' })).toBeVisible();
  // In the app's look: the same page colours, font and primary button.
  expect(await look(page, 'Run')).toEqual(appLook);

  // Experiments by their plain names (no "scalability: Scalability: ...").
  const experiment = page.getByRole('combobox', { name: 'Experiment' });
  const names = await experiment.locator('option').allTextContents();
  expect(names).toContain(
    'Scalability: distribution time against N, client-server and swarm, with the bounds',
  );
  for (const name of names) expect(name).not.toMatch(/^(\w+): \1/i);
  await experiment.selectOption('scalability');
  await page.getByRole('textbox', { name: 'peers', exact: true }).fill('1,4,8');
  await page.getByRole('textbox', { name: /^file bytes/ }).fill('128k');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status')).toHaveText(/Done in/, { timeout: 90_000 });

  const chart = page.getByRole('img', { name: 'Time for all N peers to finish' });
  await expect(chart).toBeVisible();
  // Every measured series has one point per N, drawn as a polyline.
  const measured = chart.locator('polyline.series[data-series="swarm, measured"]');
  await expect(measured).toHaveAttribute('data-points', '3');
  const points = await measured.getAttribute('points');
  expect(points?.trim().split(/\s+/)).toHaveLength(3);
  // Every chart's axes hold every point: each vertex lies inside its plot's frame.
  const outside = await page.locator('figure svg').evaluateAll((svgs) =>
    svgs.flatMap((svg) => {
      const frame = svg.querySelector('rect[fill="none"]')!;
      const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(frame.getAttribute(a)));
      return [...svg.querySelectorAll('polyline.series')].flatMap((line) =>
        (line.getAttribute('points') ?? '')
          .trim()
          .split(/\s+/)
          .map((pair) => pair.split(',').map(Number))
          .filter(([px, py]) => px < x - 0.5 || px > x + w + 0.5 || py < y - 0.5 || py > y + h + 0.5)
          .map((pair) => `${svg.getAttribute('aria-label')}: ${pair.join(',')}`),
      );
    }),
  );
  expect(outside).toEqual([]);

  // The summary is text and a table, not Markdown.
  const summary = page.getByRole('region', { name: 'Summary' });
  await expect(summary).toContainText('swarm ratio');
  await expect(summary.getByRole('columnheader', { name: 'swarm ratio' })).toBeVisible();
  await expect(summary.getByRole('row')).toHaveCount(4); // the header and N = 1, 4, 8
  await expect(summary.locator('strong')).not.toHaveCount(0);
  expect(await summary.textContent()).not.toMatch(/\*\*|\|/);

  // And back to the app.
  await page.getByRole('link', { name: 'Back to the app' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'SwarmDrop' })).toBeVisible();
  expect(errors).toEqual([]);
});

import { expect, test } from '@playwright/test';

// The Lab page runs an experiment of lab/ in a worker and draws its charts from the numbers.
test('the Lab page runs a small scalability experiment and draws its charts', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/');
  await page.getByRole('link', { name: 'Swarm lab' }).click();
  await expect(page).toHaveURL(/\/lab\.html$/);
  await page.getByRole('combobox', { name: 'Experiment' }).selectOption('scalability');
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
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('swarm ratio');
  expect(errors).toEqual([]);
});

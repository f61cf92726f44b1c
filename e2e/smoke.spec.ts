import { test, expect } from '@playwright/test';

test('the tracker serves its health check', async ({ request }) => {
  const res = await request.get('/health');
  expect(res.status()).toBe(200);
});

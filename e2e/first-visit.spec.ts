import { expect, test } from '@playwright/test';

test('first visit: the default comparison trains in the page and reports a finite loss', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'BatchNorm Explorer' })).toBeVisible();
  const play = page.getByRole('button', { name: 'Play' });
  await expect(play).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByRole('status', { name: 'Step' })).toContainText('step 0');
  await play.click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  // The first probe after step 0 lands at the probe interval (50 for the ioffe-mnist preset).
  await expect(page.getByTestId('train-loss-0')).not.toHaveText('–');
  await expect.poll(async () => Number(await page.getByTestId('step').textContent()), { timeout: 60_000 }).toBeGreaterThanOrEqual(50);
  await page.getByRole('button', { name: 'Pause' }).click();
  for (const i of [0, 1]) {
    const loss = Number(await page.getByTestId(`train-loss-${i}`).textContent());
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(0);
  }
  expect(errors).toEqual([]);
});

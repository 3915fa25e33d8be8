import { expect, test } from '@playwright/test';

test('first visit: the default comparison trains in the page and reports a finite, falling loss', async ({ page }) => {
  // Sized for a slow, busy machine.
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'BatchNorm Explorer' })).toBeVisible();
  const play = page.getByRole('button', { name: 'Play' });
  await expect(play).toBeEnabled({ timeout: 180_000 });
  await expect(page.getByRole('status', { name: 'Step' })).toContainText('step 0');
  const caption = page.locator('.summary caption');
  await expect(caption).toHaveText('At step 0', { timeout: 60_000 });
  // Step 0's numbers: the loss of the first batch, before any update.
  const first = [Number(await page.getByTestId('train-loss-0').textContent()), Number(await page.getByTestId('train-loss-1').textContent())];
  await play.click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  // The summary moves on to a probe after training: the first lands at the probe interval (50 for ioffe-mnist).
  await expect.poll(async () => Number((await caption.textContent())?.replace(/[^\d]/g, '')), { timeout: 180_000 }).toBeGreaterThanOrEqual(50);
  await page.getByRole('button', { name: 'Pause' }).click();
  for (const i of [0, 1]) {
    const loss = Number(await page.getByTestId(`train-loss-${i}`).textContent());
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(0);
    // Trained: the mean loss over the steps since step 0 is below the first batch's.
    expect(loss).toBeLessThan(first[i]!);
  }
  expect(errors).toEqual([]);
});

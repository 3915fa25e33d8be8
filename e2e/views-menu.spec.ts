import { expect, test } from '@playwright/test';

/**
 * The lab's Views menu (beside the summary): the default views are checked; a view of its own experiment (here the
 * recurrent net) is not shown until it is asked for, and then it is part of the link, so the link reopens it.
 */
test('the Views menu adds a view that is not shown by default; the link keeps it, and unchecking removes it', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./?be=wasm');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
  const rnn = page.getByRole('figure', { name: 'Recurrent net' });
  await expect(rnn).toHaveCount(0);

  await page.getByRole('button', { name: /^Views/ }).click();
  await expect(page.getByRole('checkbox', { name: 'Convergence' })).toBeChecked();
  const box = page.getByRole('checkbox', { name: 'Recurrent net' });
  await expect(box).not.toBeChecked();
  await box.check();
  await expect(rnn).toBeVisible();
  await expect(page).toHaveURL(/[?&]views=[^&]*\brnn\b/);

  // The link reopens the same views.
  await page.reload();
  await expect(page.getByRole('figure', { name: 'Recurrent net' })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('figure', { name: 'Convergence' })).toBeVisible();

  await page.getByRole('button', { name: /^Views/ }).click();
  await page.getByRole('checkbox', { name: 'Recurrent net' }).uncheck();
  await expect(page.getByRole('figure', { name: 'Recurrent net' })).toHaveCount(0);
  await expect(page).not.toHaveURL(/views=/);
  expect(errors).toEqual([]);
});

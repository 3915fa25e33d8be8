import { expect, test } from '@playwright/test';

/**
 * The RNN view: nothing of it runs until Train is pressed; then three tanh RNNs (no norm, layer norm, per-step batch
 * norm) train in the view's own worker, the curves, the per-time-step chart and the table fill in, Pause stops them,
 * and the caption's numbers are the table's.
 */
test('the recurrent net trains when asked, pauses, and its caption quotes the run on screen', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto('./?be=wasm&views=rnn');

  const view = page.locator('figure.rnn-view');
  await expect(view).toBeVisible();
  await expect(view.locator('.view-sentence')).toContainText('Press Train');
  expect(workers.some((u) => /rnn/.test(u))).toBe(false);

  await view.getByRole('button', { name: 'Train' }).click();
  const table = view.locator('table.rnn-table');
  // The first probe after step 0 (every 25 steps); generous: the machine may be shared.
  await expect(table.locator('caption')).toContainText(/At step (2[5-9]|[3-9]\d|\d{3,})\b/, { timeout: 300_000 });
  await view.getByRole('button', { name: 'Pause' }).click();
  await expect(view.getByRole('status')).toContainText('paused', { timeout: 60_000 });
  expect(workers.some((u) => /rnn/.test(u))).toBe(true);

  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ norm: tr.getAttribute('data-norm'), cells: Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '') })),
  );
  expect(rows.map((r) => r.norm)).toEqual(['none', 'layer', 'batch']);
  for (const { norm, cells } of rows) {
    const [acc, testLoss, trainLoss] = cells as [string, string, string];
    expect(acc, norm!).toMatch(/^\d{1,3}\.\d%$/);
    // Better than chance (10%) after 25 steps, and finite losses.
    expect(Number(acc.slice(0, -1)), norm!).toBeGreaterThan(15);
    for (const loss of [testLoss, trainLoss]) expect(Number.isFinite(Number(loss)), `${norm}: ${loss}`).toBe(true);
  }

  // The caption's percentages and step are the table's.
  const caption = (await view.locator('.view-sentence').textContent()) ?? '';
  const step = (await table.locator('caption').textContent())!.match(/At step ([\d,]+)/)![1]!;
  expect(caption).toContain(`At step ${step},`);
  const named = caption.match(/\d{1,3}\.\d%/g) ?? [];
  expect(named.length).toBeGreaterThanOrEqual(2);
  for (const pct of named) expect(rows.map((r) => r.cells[0])).toContain(pct);
  expect(caption).toMatch(/the spread of a_t before normalization differs .*from [\d.]+ \(row \d+\) to [\d.]+ \(row \d+\) on the test digits/);

  // Both charts drew a line per arm, the per-step one over 28 time steps.
  await expect(view.locator('.rnn-chart svg path[stroke]')).toHaveCount(6);
  await expect(view.getByRole('img', { name: /at each of the 28 time steps at step/ })).toBeVisible();
  expect(errors).toEqual([]);
});

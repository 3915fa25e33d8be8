import { expect, test } from '@playwright/test';

/**
 * The sweep view: a link carries a tiny sweep (two batch sizes × two normalizations, 30 steps, on XOR); pressing Run
 * sweep trains its runs in the view's own worker, and the chart, the tables and the caption fill in from them.
 */
test('a linked sweep runs when asked, fills its tables with finite numbers and says what they show', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto('./?be=wasm&data=xor&views=convergence,sweep&sweep=bs:4,32;norm:batch,layer;steps:30;y:final');

  const view = page.locator('figure.sweep-view');
  await expect(view).toBeVisible();
  // The link's sweep is on screen, and nothing has trained it yet: pressing Run is the reader's act.
  await expect(view.getByLabel('values')).toHaveValue('4, 32');
  await expect(view.getByRole('checkbox', { name: 'batch norm' })).toBeChecked();
  await expect(view.getByRole('checkbox', { name: 'group norm' })).not.toBeChecked();
  await expect(page.getByTestId('sweep-status')).toContainText('4 runs (2 × 2) of 30 steps');
  expect(workers.some((u) => /sweep/.test(u))).toBe(false);

  await view.getByRole('button', { name: 'Run sweep' }).click();
  const runs = page.getByTestId('sweep-runs').locator('tbody tr');
  await expect(runs).toHaveCount(4, { timeout: 240_000 });
  await expect(page.getByTestId('sweep-status')).toContainText('4 of 4 runs');

  // Every run's numbers are finite: accuracies in %, losses as numbers.
  const cells = await runs.evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent ?? '')));
  for (const [run, bs, norm, finalAcc, meanAcc, testLoss, trainLoss] of cells) {
    expect(['4', '32']).toContain(bs);
    expect(['batch norm', 'layer norm']).toContain(norm);
    for (const pct of [finalAcc!, meanAcc!]) {
      expect(pct, `run ${run}`).toMatch(/^\d{1,3}\.\d%$/);
      expect(Number(pct.slice(0, -1))).toBeLessThanOrEqual(100);
    }
    for (const loss of [testLoss!, trainLoss!]) expect(Number.isFinite(Number(loss)), `run ${run}: ${loss}`).toBe(true);
  }

  // The grid table holds the same final accuracies as the run table, and the caption names numbers from it.
  const grid = await page.getByTestId('sweep-grid').locator('tbody td').allTextContents();
  expect(grid).toHaveLength(4);
  expect(grid.sort()).toEqual(cells.map((c) => c[3]!).sort());
  const caption = (await view.locator('.view-sentence').textContent()) ?? '';
  expect(caption).toContain('All 4 runs finished (30 steps each).');
  const named = caption.match(/\d{1,3}\.\d%/g) ?? [];
  expect(named.length).toBeGreaterThan(0);
  for (const pct of named) expect(grid).toContain(pct);
  expect(caption).toMatch(/batch size (4|32)/);

  // One point per run on the chart.
  await expect(view.locator('circle.sweep-point')).toHaveCount(4);
  // The link still holds the sweep, so a copy of it reproduces the sweep.
  await expect.poll(() => new URL(page.url()).searchParams.get('sweep')).toBe('bs:4,32;norm:batch,layer;steps:30;y:final');
  expect(errors).toEqual([]);
});

test('a bad sweep link is named and ignored, piece by piece', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./?be=wasm&data=xor&views=sweep&sweep=bs:4,x,900;norm:batch,nope;steps:3');
  const notice = page.getByText(/sweep bs: "x" is not a number/);
  await expect(notice).toBeVisible();
  await expect(page.getByText(/900 is outside 2 … 800/)).toBeVisible();
  await expect(page.getByText(/sweep norm: "nope" is not a normalization/)).toBeVisible();
  await expect(page.getByText(/sweep steps: "3" is not a whole number/)).toBeVisible();
  const view = page.locator('figure.sweep-view');
  await expect(view.getByLabel('values')).toHaveValue('4');
  await expect(page.getByTestId('sweep-status')).toContainText('1 run (1 × 1) of 200 steps');
  expect(errors).toEqual([]);
});

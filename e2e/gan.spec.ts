import { expect, test } from '@playwright/test';

/**
 * The GAN view: nothing of it runs until Train is pressed; then two generators (no batch norm, batch norm) learn the
 * ring in the view's own worker, both canvases draw, the table fills in, Pause stops them, Reset clears them, and the
 * caption's numbers are the table's.
 */
test('the GAN trains when asked, draws both generators, pauses, and its caption quotes the run on screen', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto('./?be=wasm&views=gan');

  const view = page.locator('figure.gan-view');
  await expect(view).toBeVisible();
  await expect(view.locator('.view-sentence')).toContainText('Press Train');
  await expect(view.locator('canvas.gan-canvas')).toHaveCount(2);
  expect(workers.some((u) => /gan/.test(u))).toBe(false);

  await view.getByRole('button', { name: 'Train' }).click();
  const table = view.locator('table.gan-table');
  // Two probes after step 0 (every 20 steps), so that the caption can compare; generous: the machine may be shared.
  await expect(table.locator('caption')).toContainText(/At step ([4-9]\d|\d{3,}|\d,\d{3})\b/, { timeout: 300_000 });
  await view.getByRole('button', { name: 'Pause' }).click();
  await expect(view.getByRole('status')).toContainText('paused', { timeout: 60_000 });
  expect(workers.some((u) => /gan/.test(u))).toBe(true);

  // The step shown settles once paused (a probe in flight may still land): read the table after it does.
  const step = async () => (await table.locator('caption').textContent())!.match(/At step ([\d,]+)/)![1]!;
  let shown = await step();
  await expect.poll(async () => {
    const now = await step();
    const same = now === shown;
    shown = now;
    return same;
  }, { timeout: 30_000, intervals: [500] }).toBe(true);

  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ arm: tr.getAttribute('data-arm'), cells: Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '') })),
  );
  expect(rows.map((r) => r.arm)).toEqual(['plain', 'batchnorm']);
  for (const { arm, cells } of rows) {
    const [modes, near, dLoss, gLoss] = cells as [string, string, string, string];
    expect(modes, arm!).toMatch(/^[0-8]\/8$/);
    expect(near, arm!).toMatch(/^\d{1,3}%$/);
    for (const loss of [dLoss, gLoss]) expect(Number(loss), `${arm}: ${loss}`).toBeGreaterThan(0);
  }

  // The caption names the table's step and each arm's modes and share near a mode.
  const caption = (await view.locator('.view-sentence').textContent()) ?? '';
  expect(caption).toContain(`Step ${shown.replace(/,/g, '')}:`);
  const [plain, bn] = rows.map((r) => ({ modes: r.cells[0]!.split('/')[0], near: r.cells[1] }));
  expect(caption).toContain(`no BN covers ${plain!.modes} of 8 modes (${plain!.near} of its samples near a mode)`);
  expect(caption).toContain(`BN in G covers ${bn!.modes} of 8 modes (${bn!.near} of its samples near a mode)`);
  expect(caption).toMatch(/BN in G covered (more modes than|fewer modes than|as many modes as) no BN on average/);

  // Both canvases say what they show, and drew the real ring and the samples (pixels are not compared, only present).
  await expect(view.getByRole('img', { name: new RegExp(`^no BN at step ${shown.replace(/,/g, '')}: ${plain!.modes} of 8 modes covered`) })).toBeVisible();
  const painted = await view.locator('canvas.gan-canvas').evaluateAll((cs) =>
    (cs as HTMLCanvasElement[]).map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    }),
  );
  for (const n of painted) expect(n).toBeGreaterThan(500);
  await expect(view.locator('svg.gan-curves path[stroke]')).toHaveCount(4);

  await view.getByRole('button', { name: 'Reset' }).click();
  await expect(view.locator('.view-sentence')).toContainText('Press Train');
  await expect(table.locator('caption')).toHaveText('Not trained yet');
  expect(errors).toEqual([]);
});

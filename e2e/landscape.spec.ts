import { expect, test, type Page } from '@playwright/test';

/**
 * The loss-landscape view (Santurkar et al. 2018, §3.1): a link that measures it trains and fills the three charts,
 * and the caption's numbers are the ones the read-out shows at the newest probe; a link that does not offers one
 * button that turns it on (restarting the run) and puts it in the link.
 */

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // A page without a favicon logs a 404 in some setups: not an error of the lab.
    if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

const CAPTION = /At step ([\d,]+) the loss along the gradient spans (\S+) for BN and (\S+) for plain \((\S+) against (\S+) wide\), and the gradient changes by up to (\S+) against (\S+)\./;

test('a link that measures the landscape trains, fills the charts, and its caption is the read-out’s numbers', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?be=wasm&views=convergence,landscape&landscape=1');
  const view = page.locator('figure.landscape-view');
  await expect(view).toBeVisible();
  await expect(view.getByTestId('landscape-note')).toContainText('0.5–4×');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Play' }).click();

  // Polls until a probe after step 0 is in (probes every 50 steps on ioffe-mnist), then pauses so the picture holds still.
  const sentence = view.locator('.view-sentence');
  await expect.poll(async () => Number((CAPTION.exec((await sentence.textContent()) ?? '')?.[1] ?? '0').replace(/,/g, '')), { timeout: 240_000 }).toBeGreaterThanOrEqual(100);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  // Three charts, each with a band or line per arm.
  const charts = view.locator('.landscape-chart');
  await expect(charts).toHaveCount(3);
  await expect(charts.nth(0).locator('path.landscape-band')).toHaveCount(2);
  await expect(charts.nth(1).locator('path.landscape-band')).toHaveCount(2);
  await expect(charts.nth(0).getByRole('img')).toHaveAttribute('aria-label', 'loss along −∇L (range) over training steps');

  // The read-out at the newest probe (the right edge of the plot) shows the caption's numbers. A probe may still land
  // just after the pause (the step it paused at): read both again until they describe the same probe.
  await expect(async () => {
    const caption = (await sentence.textContent()) ?? '';
    const m = CAPTION.exec(caption);
    expect(m, caption).not.toBeNull();
    const [, step, bnLoss, plainLoss, , , bnChange, plainChange] = m!;
    for (const v of [bnLoss, plainLoss]) expect(v).toMatch(/^\d+\.?\d*(e[−-]\d+)?–\d+\.?\d*(e[−-]\d+)?$/);
    expect(caption).toMatch(/Santurkar et al\. \(2018\) found/);
    // The view spans the grid under Convergence: bring its chart on screen before pointing at it.
    await charts.nth(0).scrollIntoViewIfNeeded();
    const box = (await charts.nth(0).locator('rect.landscape-overlay').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
    const tip = view.locator('.landscape-tooltip');
    await expect(tip.locator('.landscape-tooltip-step')).toHaveText(`step ${step}`, { timeout: 2000 });
    const rows = await tip.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => (c.textContent ?? '').trim())));
    const byArm = Object.fromEntries(rows.map((r) => [r[0]!, r]));
    expect(byArm.plain![1]).toBe(plainLoss);
    expect(byArm.BN![1]).toBe(bnLoss);
    expect(byArm.plain![2]!.split('–')[1]).toBe(plainChange);
    expect(byArm.BN![2]!.split('–')[1]).toBe(bnChange);
    for (const r of rows) expect(Number(r[3]!.replace('−', '-'))).toBeGreaterThan(0);
  }).toPass({ timeout: 60_000 });
  expect(errors).toEqual([]);
});

test('without the flag the view says so, and its one button turns the measurement on and into the link', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./?be=wasm&data=xor&views=landscape');
  const view = page.locator('figure.landscape-view');
  await expect(view.locator('.view-sentence')).toContainText('This run does not measure it');
  await expect(view.locator('.landscape-chart')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
  await view.getByRole('button', { name: 'Measure the landscape (restarts the run)' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('landscape')).toBe('1');
  await expect(view.locator('.landscape-chart')).toHaveCount(3);
  // The step-0 probe of the restarted run measures it: the caption compares the arms there.
  await expect(view.locator('.view-sentence')).toContainText(/At step 0 the loss along the gradient spans/, { timeout: 120_000 });
  await view.getByRole('button', { name: 'Stop measuring (restarts the run)' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('landscape')).toBeNull();
  await expect(view.getByRole('button', { name: 'Measure the landscape (restarts the run)' })).toBeVisible();
  expect(errors).toEqual([]);
});

import { expect, test, type Page } from '@playwright/test';
import { PRESETS, presetConfig } from '../src/config/presets';
import { encodeLink, LINK_VERSION } from '../src/config/link';

const stepOf = async (page: Page) => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));
const figure = (page: Page, title: string) => page.getByRole('figure', { name: new RegExp(`^${title}`) });

/** Waits until a linked replay has reached `step` and paused there. */
async function pausedAt(page: Page, step: number): Promise<void> {
  await expect.poll(() => stepOf(page), { timeout: 240_000 }).toBe(step);
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 60_000 });
  await expect(page.locator('.summary caption')).toHaveText(`At step ${step.toLocaleString('en-US')}`, { timeout: 60_000 });
}

/**
 * The summary table's text, row by row, without the cells marked data-machine (ms / step): time is the machine's,
 * not the seed's, so only it may differ between the sender's run and the replay.
 */
const summaryText = (page: Page) =>
  page.locator('.summary tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.children].filter((c) => !c.hasAttribute('data-machine')).map((c) => (c as HTMLElement).innerText.trim()).join('\t')).join('\n'),
  );

/** The summary's numbers and the distribution view's percentile read-out at a fixed point of its chart. */
async function readouts(page: Page): Promise<{ summary: string; percentiles: string }> {
  const summary = await summaryText(page);
  const chart = figure(page, 'Activation distributions').locator('svg[role="img"]').first();
  const box = (await chart.boundingBox())!;
  await chart.hover({ position: { x: box.width * 0.6, y: box.height * 0.4 } });
  const tip = figure(page, 'Activation distributions').locator('.view-tooltip');
  await expect(tip).toBeVisible();
  const percentiles = (await tip.innerText()).trim();
  return { summary, percentiles };
}

test.describe('share links', () => {
  test('a link copied after 300 steps opens, in a fresh page, at the same step with the same numbers', async ({ browser }) => {
    const sender = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await sender.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('./');
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 60_000 });
    // Train to exactly 300 by steering the run to it (Play would overshoot by an unknowable amount).
    await page.goto('./?to=300');
    await pausedAt(page, 300);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByText(/Link copied/)).toBeVisible();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toContain('to=300');
    expect(link).toMatch(/be=(wasm|cpu|webgl)/);
    const sent = await readouts(page);

    const receiver = await browser.newContext();
    const other = await receiver.newPage();
    other.on('pageerror', (e) => errors.push(e.message));
    await other.goto(link);
    await expect(other.getByRole('region', { name: 'Replaying the linked run' })).toBeVisible({ timeout: 60_000 });
    await pausedAt(other, 300);
    await expect(other.getByRole('region', { name: 'Replaying the linked run' })).toHaveCount(0);
    const received = await readouts(other);
    expect(received.summary).toBe(sent.summary);
    expect(received.percentiles).toBe(sent.percentiles);
    expect(errors).toEqual([]);
    await sender.close();
    await receiver.close();
  });

  test('a learning-rate change at step 200 replays at step 200 with the same final loss', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('./?every=20&to=200');
    await pausedAt(page, 200);
    // Apply the change from the current step on: the run is not restarted.
    await page.getByRole('radio', { name: 'holds from the current step on' }).check({ force: true });
    const slider = page.getByLabel('Learning rate', { exact: true });
    await slider.focus();
    await slider.press('ArrowLeft');
    await expect(page.getByText(/From step 200 on: learning rate/)).toBeVisible();
    await expect.poll(() => stepOf(page)).toBe(200);
    await expect(page.getByRole('list', { name: 'Changes during the run' })).toContainText('step 200: learning rate');
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(260);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
    const stopped = await stepOf(page);
    // The change is marked on the convergence chart's step axis.
    await expect(figure(page, 'Convergence').locator('.schedule-marks g[data-step="200"]').first()).toBeAttached();
    await expect.poll(() => page.evaluate(() => location.search), { timeout: 10_000 }).toContain(`to=${stopped}`);
    const link = await page.evaluate(() => location.href);
    expect(link).toMatch(/at=200,lr:/);
    // The probe at the stop step is the last one drawn: compare the summary rows there.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => stepOf(page)).toBe(stopped + 1);
    await expect(page.locator('.summary caption')).toHaveText(`At step ${(stopped + 1).toLocaleString('en-US')}`);
    const sent = await summaryText(page);
    const url = new URL(link);
    url.searchParams.set('to', String(stopped + 1));

    const fresh = await context.newPage();
    await fresh.goto(url.toString());
    await pausedAt(fresh, stopped + 1);
    await expect(fresh.getByRole('list', { name: 'Changes during the run' })).toContainText('step 200: learning rate');
    expect(await summaryText(fresh)).toBe(sent);
  });

  for (const preset of PRESETS) {
    test(`the ${preset.name} preset opens from its link and trains`, async ({ page }) => {
      test.setTimeout(300_000);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // The link as the Copy link button writes it: the preset, and the backend it ran on.
      const link = encodeLink({ config: presetConfig(preset.name), backend: 'wasm', view: {} });
      expect(link).toBe(`v=${LINK_VERSION}&preset=${preset.name}&be=wasm`);
      await page.goto(`./?${link}`);
      await expect(page.getByLabel('Preset')).toHaveValue(preset.name, { timeout: 60_000 });
      await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
      await page.getByRole('button', { name: 'Step', exact: true }).click();
      await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBe(1);
      await expect(page.getByTestId('train-loss-0')).toHaveText(/^\d+\.\d{3}$/, { timeout: 120_000 });
      await expect(page.getByRole('status', { name: 'Link problems' })).toHaveCount(0);
      expect(errors).toEqual([]);
    });
  }

  test('a version-2 ioffe-mnist link scores all 2,000 test digits, as it did; today’s preset scores the first 1,000', async ({ page }) => {
    test.setTimeout(300_000);
    const key = figure(page, 'Convergence').locator('li').filter({ hasText: /^test loss, accuracy/ });
    // Copied before version 3, when the preset scored the whole test set: it opens that run, not today's preset.
    await page.goto('./?v=2&preset=ioffe-mnist&be=wasm');
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
    await expect(key).toHaveText('test loss, accuracy (thick)');
    await expect(page.getByLabel('Preset')).toHaveValue('custom');
    await expect(page.getByRole('status', { name: 'Link problems' })).toHaveCount(0);
    // The address is rewritten as a version-3 link that says so.
    await expect.poll(() => page.evaluate(() => location.search), { timeout: 10_000 }).toMatch(new RegExp(`^\\?v=${LINK_VERSION}&test=10000&be=wasm(&|$)`));
    await page.goto(`./?v=${LINK_VERSION}&preset=ioffe-mnist&be=wasm`);
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
    await expect(key).toHaveText('test loss, accuracy (thick): the first 1,000 of 2,000 test examples');
    await expect(page.getByLabel('Preset')).toHaveValue('ioffe-mnist');
  });

  test('the address follows the settings without adding history entries', async ({ page }) => {
    await page.goto('./');
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 60_000 });
    const before = await page.evaluate(() => history.length);
    const slider = page.getByLabel('Batch size', { exact: true });
    await slider.focus();
    await slider.press('ArrowLeft');
    await slider.press('ArrowLeft');
    await expect.poll(() => page.evaluate(() => location.search), { timeout: 10_000 }).toContain('bs=16');
    expect(await page.evaluate(() => history.length)).toBe(before);
  });
});

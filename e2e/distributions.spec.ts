import { expect, test, type Page } from '@playwright/test';

/**
 * The activation-distributions view's two choices: one unit or the whole layer, batch norm in training or inference
 * mode. It opens on what Ioffe & Szegedy's Figure 1b–c plots (one unit, inference mode); each choice changes the
 * numbers read off the chart and goes into the address, and a link with it opens on it.
 */

const stepOf = async (page: Page) => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));
const figure = (page: Page) => page.getByRole('figure', { name: /^Activation distributions/ });
/** A parameter of the address as the page has it now (the address follows the screen). */
const param = (page: Page, key: string) => page.evaluate((k) => new URLSearchParams(location.search).get(k), key);

/** Waits until a linked replay has reached `step` and paused there. */
async function pausedAt(page: Page, step: number): Promise<void> {
  await expect.poll(() => stepOf(page), { timeout: 240_000 }).toBe(step);
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 60_000 });
}

/** The read-out of the chart at a fixed point (step about 60% along): its heading and its rows of percentiles. */
async function readout(page: Page): Promise<{ head: string; rows: string }> {
  const chart = figure(page).locator('svg[role="img"]').first();
  const box = (await chart.boundingBox())!;
  // Away first, so that the tooltip is drawn anew for what the view shows now.
  await page.mouse.move(0, 0);
  await chart.hover({ position: { x: box.width * 0.6, y: box.height * 0.4 } });
  const tip = figure(page).locator('.view-tooltip');
  await expect(tip).toBeVisible();
  return { head: (await tip.locator('.dist-tooltip-head').innerText()).trim(), rows: (await tip.locator('tbody').innerText()).trim() };
}

const pressed = (page: Page, name: string) => figure(page).getByRole('button', { name, exact: true });

test.describe('activation distributions: one unit or the whole layer, training or inference mode', () => {
  test('opens on one unit in inference mode; each choice changes the read-out and the link, and the link reopens it', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('./?to=150&be=wasm&views=distributions,convergence');
    await pausedAt(page, 150);
    const view = figure(page);

    // What Ioffe & Szegedy plot: one unit, the network as evaluated. Nothing in the link: it is the default.
    await expect(pressed(page, 'One unit')).toHaveAttribute('aria-pressed', 'true');
    await expect(pressed(page, 'inference mode')).toHaveAttribute('aria-pressed', 'true');
    await expect(view.getByRole('combobox', { name: 'Which unit' })).toHaveValue('0');
    await expect(view.locator('figcaption')).toContainText('Layer 3, unit 1, from step 50 to 150');
    await expect(view.locator('figcaption')).toContainText('Batch norm in inference mode: its running averages');
    expect(await param(page, 'dmode')).toBeNull();
    expect(await param(page, 'dscope')).toBeNull();
    const unitInference = await readout(page);
    expect(unitInference.head).toMatch(/^step \d+ · unit 1, inference mode$/);

    // Training mode: batch norm's band is set by γ and β. The plain net's numbers are the same in both modes.
    await pressed(page, 'training mode').click();
    await expect(pressed(page, 'training mode')).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => param(page, 'dmode')).toBe('train');
    await expect(view.locator('figcaption')).toContainText('so its band is set by γ and β');
    const unitTrain = await readout(page);
    expect(unitTrain.head).toMatch(/· unit 1, training mode$/);
    expect(unitTrain.rows).not.toBe(unitInference.rows);
    const row = (r: string, arm: string) => r.split('\n').find((line) => line.trim().startsWith(arm));
    expect(row(unitTrain.rows, 'plain')).toBe(row(unitInference.rows, 'plain'));
    expect(row(unitTrain.rows, 'BN')).not.toBe(row(unitInference.rows, 'BN'));

    // The whole layer pooled.
    await pressed(page, 'Whole layer').click();
    await expect.poll(() => param(page, 'dscope')).toBe('layer');
    await expect(view.getByRole('combobox', { name: 'Which unit' })).toBeDisabled();
    await expect(view.locator('figcaption')).toContainText('Layer 3 pooled, from step 0 to 150');
    const layerTrain = await readout(page);
    expect(layerTrain.head).toMatch(/· whole layer, training mode$/);
    expect(layerTrain.rows).not.toBe(unitTrain.rows);

    // Another unit, picked in the list: back to one unit, and the link names it.
    await pressed(page, 'One unit').click();
    await view.getByRole('combobox', { name: 'Which unit' }).selectOption('6');
    await expect.poll(() => param(page, 'unit')).toBe('7');
    await expect.poll(() => param(page, 'dscope')).toBeNull();
    const unit7 = await readout(page);
    expect(unit7.head).toMatch(/· unit 7, training mode$/);
    expect(unit7.rows).not.toBe(unitTrain.rows);

    // The link, opened afresh, shows the same choices and the same numbers.
    const link = page.url();
    expect(link).toContain('dmode=train');
    const other = await page.context().newPage();
    other.on('pageerror', (e) => errors.push(e.message));
    await other.goto(link);
    await pausedAt(other, 150);
    await expect(pressed(other, 'training mode')).toHaveAttribute('aria-pressed', 'true');
    await expect(pressed(other, 'One unit')).toHaveAttribute('aria-pressed', 'true');
    await expect(figure(other).getByRole('combobox', { name: 'Which unit' })).toHaveValue('6');
    expect(await readout(other)).toEqual(unit7);
    expect(errors).toEqual([]);
  });

  test('a run without batch norm offers no mode to choose: its two modes are the same numbers', async ({ page }) => {
    await page.goto('./?arm=none&arm=layer&be=wasm&views=distributions');
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
    await expect(pressed(page, 'One unit')).toBeVisible();
    await expect(pressed(page, 'training mode')).toHaveCount(0);
    await expect(pressed(page, 'inference mode')).toHaveCount(0);
    await expect(figure(page).locator('figcaption')).not.toContainText('mode');
  });
});

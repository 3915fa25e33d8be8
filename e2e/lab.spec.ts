import { expect, test, type Page } from '@playwright/test';

/** Waits until the engine is ready (Play enabled) and returns the step counter's number. */
async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 60_000 });
}
const stepOf = async (page: Page) => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));
const figure = (page: Page, title: string) => page.getByRole('figure', { name: new RegExp(`^${title}`) });

test.describe('the live lab', () => {
  test('first visit: the default comparison trains and every view fills with data', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/');
    await ready(page);
    for (const title of ['Convergence', 'Network', 'Activation distributions', 'Internal covariate shift', 'Inside batch norm']) {
      await expect(figure(page, title)).toBeVisible();
    }
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(120);
    await page.getByRole('button', { name: 'Pause' }).click();
    // Each chart has drawn its series through the probes so far (steps 0, 50, 100: paths of 3+ vertices,
    // not just axes) and no view is still waiting.
    for (const title of ['Convergence', 'Activation distributions', 'Internal covariate shift']) {
      await expect(figure(page, title).getByText(/waiting for/)).toHaveCount(0);
      const vertices = await figure(page, title)
        .locator('path')
        .evaluateAll((ps) => Math.max(0, ...ps.map((p) => (p.getAttribute('d') ?? '').match(/[LC]/g)?.length ?? 0)));
      expect(vertices, title).toBeGreaterThanOrEqual(2);
    }
    await expect(figure(page, 'Inside batch norm')).toContainText('μ');
    await expect(page.getByText('Waiting for the first probe')).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('the step inspector folds batch norm for inference: every unit’s scale and folded bias, in numbers', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/?to=50');
    await expect.poll(() => stepOf(page), { timeout: 90_000 }).toBe(50);
    const inspector = figure(page, 'Inside batch norm');
    await inspector.getByRole('button', { name: 'Folded', exact: true }).click();
    const folded = inspector.getByRole('region', { name: 'Folded for inference', exact: true });
    // The sentence names what is folded on screen: the default run's last hidden layer, 100 units, before the sigmoid.
    await expect(folded).toContainText('all 100 units of layer 3 fold into its weights');
    const rows = folded.locator('tbody tr');
    await expect(rows).toHaveCount(100);
    const number = (t: string | null) => Number((t ?? '').replace('−', '-').replace(/×10(−?\d+)$/, (_, e: string) => `e${e.replace('−', '-')}`));
    // Row 1: s = γ/√(σ²_run + ε) > 0 (γ starts at 1 and SGD has moved it little), the rest finite numbers.
    const first = (await rows.first().locator('td').allTextContents()).map(number);
    expect(first).toHaveLength(4);
    for (const v of first) expect(Number.isFinite(v), `${first}`).toBe(true);
    expect(first[0]).toBeGreaterThan(0);
    // The running statistics have left (0, 1) by step 50, so the fold is no identity: some unit's s is far from 1.
    const scales = (await rows.locator('td:first-of-type').allTextContents()).map(number);
    expect(Math.max(...scales.map((v) => Math.abs(v - 1)))).toBeGreaterThan(0.5);
    // Choosing a unit elsewhere (the distributions' picker) marks its row and scrolls the table to it.
    await figure(page, 'Activation distributions').getByLabel('Which unit').selectOption('41');
    await expect(inspector.locator('.inspector-unit strong')).toHaveText('unit 42');
    const current = folded.locator('tbody tr[aria-current="true"]');
    await expect(current.locator('th')).toHaveText('42');
    await inspector.scrollIntoViewIfNeeded();
    await expect(current).toBeInViewport();
    expect(errors).toEqual([]);
  });

  test('Step advances exactly one step', async ({ page }) => {
    await page.goto('/');
    await ready(page);
    const before = await stepOf(page);
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => stepOf(page)).toBe(before + 1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepOf(page)).toBe(before + 2);
  });

  test('changing the learning rate resets the run and retrains', async ({ page }) => {
    await page.goto('/');
    await ready(page);
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThan(60);
    const slider = page.getByLabel('Learning rate', { exact: true });
    await slider.focus();
    await slider.press('ArrowLeft');
    await expect(page.getByText(/Run reset to step 0: learning rate changed/)).toBeVisible();
    await expect.poll(() => stepOf(page)).toBeLessThan(60);
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(50);
    await expect(page.getByTestId('train-loss-0')).not.toHaveText('–');
  });

  test('selecting a layer in the network view updates the distribution view', async ({ page }) => {
    await page.goto('/');
    await ready(page);
    const dist = figure(page, 'Activation distributions');
    await expect(dist).toContainText('layer 3 of 3');
    await figure(page, 'Network').getByRole('button', { name: 'Select layer 1' }).first().click();
    await expect(dist).toContainText('layer 1 of 3');
  });

  test('the 2-D sets draw a decision boundary', async ({ page }) => {
    await page.goto('/');
    await ready(page);
    await page.getByLabel('Preset').selectOption('spirals');
    await expect(page.getByLabel('Dataset')).toHaveValue('spirals');
    await ready(page);
    const boundary = figure(page, 'Decision boundary');
    await expect(boundary).toBeVisible();
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(40);
    // The heat map canvas is painted, and not uniformly: class colour and confidence vary over the plane.
    const distinct = await boundary.locator('canvas').evaluateAll((cs) =>
      (cs as HTMLCanvasElement[]).map((c) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const colours = new Set<string>();
        for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0) colours.add(`${d[i]},${d[i + 1]},${d[i + 2]},${d[i + 3]}`);
        return colours.size;
      }),
    );
    expect(distinct).toHaveLength(2);
    for (const n of distinct) expect(n).toBeGreaterThan(5);
  });

  test('keyboard help lists the shortcuts', async ({ page }) => {
    await page.goto('/');
    await ready(page);
    await page.getByRole('button', { name: 'Help and keyboard shortcuts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toContainText('Play / Pause');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  });
});

import { expect, test, type Page } from '@playwright/test';

const stepOf = async (page: Page) => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));
const ready = (page: Page) => expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
const armLabels = (page: Page) => page.locator('.summary tbody th').allInnerTexts();

test.describe('comparisons anyone can build', () => {
  test('adding arms proposes the missing normalization and distinct labels', async ({ page }) => {
    await page.goto('./?be=wasm');
    await ready(page);
    await page.getByRole('button', { name: '+ add an arm' }).click();
    await ready(page);
    await expect(page.getByRole('combobox', { name: /^Arm 3 ·/ })).toHaveValue('layer');
    await page.getByRole('button', { name: '+ add an arm' }).click();
    await ready(page);
    await expect.poll(async () => (await armLabels(page)).map((t) => t.trim())).toEqual(['plain', 'BN', 'LN', 'GN']);
    // Four arms: no more can be added.
    await expect(page.getByRole('button', { name: '+ add an arm' })).toHaveCount(0);
  });

  test('a group-norm arm from a link: GN in the summary, its groups chosen from those that divide the layers, and it trains', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/GPU stall|favicon/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    await page.goto('./?be=wasm&arm=none&arm=group,groups:4&every=5');
    await ready(page);
    await expect.poll(async () => (await armLabels(page)).map((t) => t.trim())).toEqual(['plain', 'GN']);
    await expect(page.getByRole('combobox', { name: /^Arm 2 ·/ })).toHaveValue('group');
    // Only a group-norm arm has the field; its choices divide the 100 units and leave two or more to a group.
    await expect(page.getByLabel('Arm 1 Groups', { exact: true })).toHaveCount(0);
    const groups = page.getByLabel('Arm 2 Groups', { exact: true });
    await expect(groups).toHaveValue('4');
    expect(await groups.locator('option').allInnerTexts()).toEqual([
      '1 group of 100 units: layer norm',
      '2 groups of 50 units',
      '4 groups of 25 units (default)',
      '5 groups of 20 units',
      '10 groups of 10 units',
      '20 groups of 5 units',
      '25 groups of 4 units',
      '50 groups of 2 units',
    ]);
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('train-loss-1')).toHaveText(/^\d/);
    // Another count is a new run, named for it and written into the address.
    await groups.selectOption('20');
    await expect(page.getByText(/Run reset to step 0: arm 2 changed/)).toBeVisible();
    await ready(page);
    await expect.poll(async () => (await armLabels(page)).map((t) => t.trim())).toEqual(['plain', 'GN 20 groups']);
    await expect.poll(() => page.evaluate(() => location.search)).toContain('arm=group,groups:20');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => stepOf(page)).toBe(1);
    expect(errors).toEqual([]);
  });

  test('a per-arm learning rate reaches the engine: the arm leaves its twin', async ({ page }) => {
    // Two identical batch-norm arms: the same weights, batches and rate give the same losses, to the digit.
    await page.goto('./?be=wasm&arm=batch&arm=batch,label:twin&every=5');
    await ready(page);
    const losses = async () => [await page.getByTestId('train-loss-0').textContent(), await page.getByTestId('train-loss-1').textContent()];
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('train-loss-1')).toHaveText(/^\d/);
    const [a, b] = await losses();
    expect(a).toBe(b);
    // Arm 2 gets its own learning rate in the sidebar.
    await page.getByText('Arm 2’s own settings').click();
    const lr = page.getByLabel('Arm 2 Learning rate', { exact: true });
    await lr.fill('0.05');
    await lr.press('Enter');
    await expect(page.getByText(/Run reset to step 0: arm 2 changed/)).toBeVisible();
    await ready(page);
    await expect.poll(async () => (await armLabels(page))[1]?.trim()).toBe('twin');
    await expect.poll(() => page.evaluate(() => location.search)).toContain('arm=batch,lr:0.05,label:twin');
    for (let i = 0; i < 10; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => stepOf(page)).toBe(10);
    await expect(page.locator('.summary caption')).toHaveText('At step 10');
    const [c, d] = await losses();
    expect(c).not.toBe(d);
  });

  test('switching MNIST to two spirals brings the 2-D settings, and both arms pass 90% within 2,000 steps', async ({ page }) => {
    test.setTimeout(600_000);
    await page.goto('./?be=wasm');
    await ready(page);
    await page.getByLabel('Dataset').selectOption('spirals');
    await expect(page.getByText(/settings that suit it were set: 4 layers of 16 ReLU units.*Adam at 0.01/)).toBeVisible();
    await expect(page.getByLabel('Activation', { exact: true })).toHaveValue('relu');
    await expect(page.getByLabel('Optimiser', { exact: true })).toHaveValue('adam');
    await ready(page);
    await page.getByRole('button', { name: 'Play' }).click();
    const passed = [false, false];
    // Watch every probe's accuracy as it lands (the summary shows the newest one).
    await expect
      .poll(
        async () => {
          const step = await stepOf(page);
          const caption = (await page.locator('.summary caption').textContent()) ?? '';
          const at = Number(caption.replace(/[^\d]/g, ''));
          if (at <= 2000) {
            const cells = await page.locator('.summary tbody tr td:nth-child(4)').allInnerTexts();
            cells.forEach((t, i) => {
              if (parseFloat(t) > 90) passed[i] = true;
            });
          }
          return passed.every(Boolean) || step > 2000;
        },
        { timeout: 540_000, intervals: [100] },
      )
      .toBe(true);
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(passed).toEqual([true, true]);
  });
  test('with “Keep playing” on, a change that restarts the run goes on playing from step 0; off, it waits there', async ({ page }) => {
    test.setTimeout(300_000);
    await page.goto('./?be=wasm&every=5');
    await ready(page);
    const seed = page.getByLabel('Seed', { exact: true });
    const restartWith = async (value: string) => {
      await seed.fill(value);
      await seed.press('Enter');
    };
    // Off (the default): the restarted run waits at step 0.
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThan(20);
    await restartWith('2');
    await expect(page.getByText(/Run reset to step 0: seed changed/)).toBeVisible();
    // The old run stops at once (its button says Play); the new one arrives at step 0 and stays paused there.
    await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBe(0);
    await ready(page);
    await expect(page.locator('.summary caption')).toHaveText('At step 0');
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();

    // On: the restarted run starts at 0 and plays on by itself.
    await page.getByLabel('Keep playing when a change restarts the run').check();
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThan(20);
    await restartWith('3');
    await expect(page.getByText(/Run restarted: seed changed/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible({ timeout: 120_000 });
    await expect.poll(async () => (await page.locator('.summary caption').textContent()) ?? '', { timeout: 120_000 }).toMatch(/^At step [1-9]/);
    await expect(seed).toHaveValue('3');
    await page.getByRole('button', { name: 'Pause' }).click();
  });
});

import { expect, test, type Page } from '@playwright/test';

/**
 * The price of batch norm, as a learner meets it: the `overhead` lesson's second step opens Convergence on the
 * seconds axis, each arm drawn against its own training time on this machine; the switch goes back to steps and the
 * address follows; and the closing sentence's milliseconds are the Summary's ms / step cells. Times differ from
 * machine to machine and run to run, so the test compares the page with itself, never with fixed numbers.
 */

const stepOf = async (page: Page) => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));
const convergence = (page: Page) => page.getByRole('figure', { name: /^Convergence/ });
const search = (page: Page) => page.evaluate(() => location.search);

/** Each arm's ms / step cell in the Summary, by arm name. */
async function msCells(page: Page): Promise<Record<string, string>> {
  const rows = await page.locator('.summary tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('th')?.textContent?.trim() ?? '', tr.querySelector('td[data-machine]')?.textContent?.trim() ?? '']),
  );
  return Object.fromEntries(rows);
}

test('the x axis switches between steps and each arm’s training seconds, and the lesson quotes the Summary’s ms / step', async ({ page }) => {
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Seed 1: batch norm reaches 90% at step 300, the plain net at step 1,000.
  await page.goto('./?lesson=overhead&lstep=2&to=1000&be=wasm');
  const panel = page.locator('section.lesson-panel');
  await expect(panel).toContainText('Against the clock', { timeout: 60_000 });
  const figure = convergence(page);
  const seconds = figure.getByRole('radio', { name: 'seconds' });
  const steps = figure.getByRole('radio', { name: 'steps' });
  // The lesson step opens on the seconds axis, and the address says so.
  await expect(seconds).toBeChecked({ timeout: 60_000 });
  await expect(figure.locator('.conv-x-label').first()).toHaveText(/^training seconds/);
  await expect.poll(() => search(page), { timeout: 10_000 }).toContain('x=time');

  await expect.poll(() => stepOf(page), { timeout: 480_000, intervals: [500, 1000, 2000] }).toBe(1000);
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 60_000 });
  await expect(page.locator('.summary caption')).toHaveText('At step 1,000', { timeout: 60_000 });

  // The Summary times each arm: a positive number of milliseconds, marked as the machine's.
  const ms = await msCells(page);
  expect(Object.keys(ms)).toEqual(['plain', 'BN']);
  for (const v of Object.values(ms)) expect(Number(v)).toBeGreaterThan(0);

  // The closing sentence quotes those cells, and its race is in seconds of training.
  const conclusion = page.getByTestId('lesson-conclusion');
  await expect(conclusion).toHaveClass(/ready/, { timeout: 60_000 });
  await expect(conclusion).toContainText(/^Here batch norm costs (\d+% (more|less)|about the same) per step \(BN [\d.]+ ms, plain [\d.]+ ms\) and reaches 90% test accuracy/);
  const quoted = await conclusion.locator('.lesson-figure[data-metric="msPerStep"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-arm'), e.textContent]));
  expect(quoted).toEqual([
    ['BN', ms.BN],
    ['plain', ms.plain],
  ]);

  // Convergence's caption on the seconds axis: the race in seconds and the price of a step, the Summary's numbers.
  const caption = figure.locator('.view-sentence');
  await expect(caption).toContainText(/reached 90% test accuracy by [\d.]+ s of training \(step (300|1,000)\), (BN|plain) by [\d.]+ s \(step (300|1,000)\)/, { timeout: 60_000 });
  const text = (await caption.textContent()) ?? '';
  for (const [arm, v] of Object.entries(ms)) expect(text).toContain(`${arm} ${v} ms`);

  // The read-out names a time, and each arm's step and ms / step there.
  const chart = figure.locator('svg[role="img"]');
  const box = (await chart.boundingBox())!;
  await chart.hover({ position: { x: box.width * 0.3, y: box.height * 0.5 } });
  const tip = figure.locator('.conv-tooltip');
  await expect(tip).toBeVisible();
  await expect(tip.locator('.conv-tooltip-head')).toContainText(/[\d.]+ s of training/);
  await expect(tip.locator('thead')).toContainText('ms / step');

  // Back to steps: the axis, its ticks (whole steps), the caption and the address follow.
  // Views render from a mirror that catches up within a frame or so: click, then wait for the switch to follow.
  await steps.click();
  await expect(steps).toBeChecked();
  await expect(figure.locator('.conv-x-label').first()).toHaveText('training step');
  await expect(caption).toContainText('by step 300');
  await expect.poll(() => search(page), { timeout: 10_000 }).not.toContain('x=time');
  const stepTicks = await figure.locator('.conv-tick[y="18"]').allTextContents();
  expect(stepTicks.length).toBeGreaterThan(1);
  for (const t of stepTicks) expect(t).toMatch(/^\d+(\.\d+)?k?$/);
  // And to seconds again: the choice is the link's, so a copied link opens on it.
  await seconds.click();
  await expect(seconds).toBeChecked();
  await expect(figure.locator('.conv-x-label').first()).toHaveText(/^training seconds/);
  await expect.poll(() => search(page), { timeout: 10_000 }).toContain('x=time');
  expect(errors).toEqual([]);
});

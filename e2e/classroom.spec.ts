import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectOnScreen, recordStartup } from './helpers';

/**
 * The lab in a classroom: projector mode (large type, thick lines, the views the teacher picks, one 1280×720
 * screen with nothing to scroll), embed mode (an iframe in a course page: the transport and the chosen views,
 * and a way out to the full lab), and what the page says while the engine gets ready.
 */

const ALL_TITLES = ['Convergence', 'Activation distributions', 'Decision boundary', 'Network', 'Internal covariate shift', 'Inside batch norm'];
const figure = (page: Page, title: string) => page.getByRole('figure', { name: new RegExp(`^${title}`) });
const stepOf = async (page: Page) => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));

/** The views on the page, by title, in order. */
async function shownViews(page: Page): Promise<string[]> {
  const shown: string[] = [];
  for (const title of ALL_TITLES) if ((await figure(page, title).count()) > 0) shown.push(title);
  return shown;
}

/** The start-up is over: the engine is ready, its first probe is in and the progress card has gone. */
async function untilReady(page: Page) {
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 90_000 });
  await expect(page.getByTestId('engine-status')).toHaveCount(0, { timeout: 90_000 });
}

/** Projector mode's promise: the chosen views, whole, on one screen, with nothing to scroll. */
async function expectFitted(page: Page, titles: string[]) {
  expect(await shownViews(page)).toEqual(titles);
  const scroll = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth }));
  expect(scroll.h, 'the page does not scroll').toBeLessThanOrEqual(720);
  expect(scroll.w, 'nor sideways').toBeLessThanOrEqual(1280);
  for (const t of titles) await expectOnScreen(page, figure(page, t), t);
}

/** Pixels on screen of a drawn text: its font size times the scale its <svg> is drawn at. */
const drawnFontSize = (el: Locator) => el.evaluate((t: SVGTextElement) => parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 1));

test.describe('projector mode at 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('shows the chosen views large and whole with nothing to scroll; off restores the lab, P brings it back', async ({ page }) => {
    await page.goto('/?projector=1&views=convergence,distributions&to=100');
    await untilReady(page);
    await expect.poll(() => stepOf(page), { timeout: 90_000 }).toBe(100);
    await expectFitted(page, ['Convergence', 'Activation distributions']);

    // Large type: the captions at 20 px or more, the charts' tick labels drawn at 15 px or more (12 in the lab).
    const convergence = figure(page, 'Convergence');
    const caption = convergence.locator('.view-sentence');
    expect(parseFloat(await caption.evaluate((el) => getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(20);
    expect(await drawnFontSize(convergence.locator('.conv-tick').first())).toBeGreaterThanOrEqual(15);
    expect(await drawnFontSize(figure(page, 'Activation distributions').locator('.dist-tick').first())).toBeGreaterThanOrEqual(15);
    // Thick lines: the test-loss curve is drawn at least 3.5 px wide (2.6 in the lab).
    const stroke = await convergence
      .locator('path.conv-test')
      .first()
      .evaluate((p: SVGPathElement) => parseFloat(getComputedStyle(p).strokeWidth) * (p.getScreenCTM()?.a ?? 1));
    expect(stroke).toBeGreaterThanOrEqual(3.5);
    // Each chart has its data and fills its view: the plot reaches the view's lower part.
    await expect(convergence.locator('path.conv-test').first()).toHaveAttribute('d', /L/);
    const [figBox, svgBox] = [await convergence.boundingBox(), await convergence.locator('.conv-plot svg').boundingBox()];
    expect(svgBox!.y + svgBox!.height).toBeGreaterThan(figBox!.y + figBox!.height - 40);

    // Only the transport, the view picker and the switches: no settings, no export, no summary.
    await expect(page.locator('aside.sidebar')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Share & export' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Views/ })).toBeVisible();
    const toggle = page.getByRole('button', { name: 'Projector mode' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');

    // Off: the lab as it is without a link's choice of views, its settings and its normal type.
    await toggle.click();
    await expect(page.locator('aside.sidebar')).toBeVisible();
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(await shownViews(page)).toEqual(['Convergence', 'Activation distributions', 'Network', 'Internal covariate shift', 'Inside batch norm']);
    expect(parseFloat(await caption.evaluate((el) => getComputedStyle(el).fontSize))).toBeLessThan(16);
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).has('projector'))).toBe(false);
    expect(await stepOf(page)).toBe(100);

    // P turns it on again, with the teacher's default pair (the lab showed every view).
    await page.locator('body').press('p');
    await expect(page.locator('aside.sidebar')).toHaveCount(0);
    await expectFitted(page, ['Convergence', 'Activation distributions']);
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('views'))).toBe('convergence,distributions');
  });

  test('the view picker adds a view; the inspector gets a row wide enough for its tables (dark theme)', async ({ page }) => {
    await page.goto('/?projector=1&views=convergence,distributions&theme=dark');
    await untilReady(page);
    await page.getByRole('button', { name: /^Views/ }).click();
    const picker = page.getByRole('group', { name: 'Views on the screen' });
    await picker.getByLabel('Inside batch norm').check();
    // MNIST is not a 2-D set: the decision boundary cannot be picked.
    await expect(picker.getByLabel('Decision boundary')).toBeDisabled();
    await page.keyboard.press('Escape');
    await expect(picker).toHaveCount(0);

    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => stepOf(page)).toBe(1);
    const inspector = figure(page, 'Inside batch norm');
    await expect(inspector.locator('.inspector-table tbody tr')).toHaveCount(6);
    await expectFitted(page, ['Convergence', 'Activation distributions', 'Inside batch norm']);
    // A row of its own across the screen, the mini-batch's table whole (not cut, not scrolled sideways).
    expect((await inspector.boundingBox())!.width).toBeGreaterThan(1200);
    await expectOnScreen(page, inspector.locator('.inspector-table'), 'the inspector’s table');
    const wrap = await inspector.locator('.inspector-table-wrap').evaluate((w) => ({ sw: w.scrollWidth, cw: w.clientWidth, sh: w.scrollHeight, ch: w.clientHeight }));
    expect(wrap.sw).toBeLessThanOrEqual(wrap.cw);
    expect(wrap.sh).toBeLessThanOrEqual(wrap.ch);
    // The backward pass's table too.
    await inspector.getByRole('button', { name: 'Backward' }).click();
    await expectOnScreen(page, inspector.locator('.inspector-table'), 'the backward table');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });
});

test.describe('embed mode', () => {
  test('renders only its views and the transport; “Open in the full lab” is the same link without embed', async ({ page }) => {
    await page.setViewportSize({ width: 960, height: 600 });
    await page.goto('/?embed=1&views=convergence,ics');
    await untilReady(page);
    expect(await shownViews(page)).toEqual(['Convergence', 'Internal covariate shift']);
    for (const name of ['Play', 'Step', 'Reset']) await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Step' })).toContainText('step 0');
    for (const name of ['Settings', 'Share & export', 'Copy link', 'Projector mode', 'Help and keyboard shortcuts']) {
      await expect(page.getByRole('button', { name, exact: true })).toHaveCount(0);
    }
    await expect(page.locator('aside.sidebar')).toHaveCount(0);
    await expect(page.locator('.summary')).toHaveCount(0);
    await expect(page.getByRole('heading', { name: /BatchNorm/ })).toHaveCount(0);

    const open = page.getByRole('link', { name: /Open in the full lab/ });
    await expect(open).toHaveAttribute('target', '_blank');
    await expect(open).toHaveAttribute('rel', /noopener/);
    // The address bar holds the link of what is on screen; the way out is that link without embed=1.
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('to'))).toBe('1');
    const params = (href: string) => [...new URL(href, page.url()).searchParams.entries()].map(([k, v]) => `${k}=${v}`);
    await expect
      .poll(async () => params((await open.getAttribute('href'))!))
      .toEqual(params(page.url()).filter((p) => p !== 'embed=1'));
    expect(params(page.url())).toContain('embed=1');
    expect(params((await open.getAttribute('href'))!)).toEqual(expect.arrayContaining(['views=convergence,ics', 'to=1']));

    // The full lab it opens: every setting, the same views and the same step.
    const [lab] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
    await expect(lab.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 90_000 });
    await expect(lab.locator('aside.sidebar')).toBeVisible();
    await expect.poll(() => stepOf(lab), { timeout: 90_000 }).toBe(1);
    expect(await shownViews(lab)).toEqual(['Convergence', 'Internal covariate shift']);
    await lab.close();
  });

  test('works in an iframe of a page with no origin', async ({ page, baseURL }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(`<!doctype html><title>Course page</title><h1>Batch norm, week 3</h1>
      <iframe title="BatchNorm Explorer" src="${baseURL}/?embed=1&views=convergence" width="760" height="460"></iframe>`);
    const frame = page.frameLocator('iframe[title="BatchNorm Explorer"]');
    await expect(frame.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 90_000 });
    await frame.getByRole('button', { name: 'Play' }).click();
    await expect.poll(async () => Number((await frame.getByTestId('step').textContent())?.replace(/,/g, '')), { timeout: 60_000 }).toBeGreaterThan(50);
    await frame.getByRole('button', { name: 'Pause' }).click();
    await expect(frame.getByRole('figure', { name: /^Convergence/ }).locator('path.conv-test').first()).toHaveAttribute('d', /L/);
    await expect(frame.getByRole('figure')).toHaveCount(1);
    await expect(frame.getByRole('link', { name: /Open in the full lab/ })).toBeVisible();
    expect(errors).toEqual([]);
  });
});

test('while the engine gets ready, a progress line names each phase with its time, then gives way to the lab', async ({ page }) => {
  // The card is recorded as it changes, not polled: on a fast machine it can come and go between two polls.
  const startup = await recordStartup(page);
  await page.goto('/');
  await untilReady(page);

  const cards = await startup.cards();
  expect(cards.length, 'the card was shown').toBeGreaterThan(0);
  for (const card of cards) {
    expect(card.phase).toMatch(/^Getting the lab ready: .+…$/);
    expect(card.elapsed).toMatch(/^\d+\.\d s$/);
    expect(card.playDisabled, `Play is off while "${card.phase}"`).toBe(true);
  }
  const phases = await startup.phases();
  // The worker starts with the page (main.tsx), so its first phases can be over before the lab's first render: the
  // line names the phase under way when it is drawn, and the phases it names come in their order.
  expect(phases).toContain('taking the first probe');
  // In the order they happen.
  const order = ['starting the engine', 'loading the digits', 'starting the backend', 'building the networks', 'taking the first probe'];
  const rank = phases.map((p) => order.findIndex((o) => p.startsWith(o)));
  expect(rank.every((r, i) => r >= 0 && (i === 0 || r >= rank[i - 1]!))).toBe(true);
  // Ready: the views have their first picture and the header names the backend.
  await expect(figure(page, 'Convergence').locator('text.conv-empty')).toHaveCount(0);
  await expect(page.locator('.backend')).toContainText(/backend (webgl|wasm|cpu)/);
});

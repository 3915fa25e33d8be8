import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectOnScreen } from './helpers';

/**
 * The lab on phones, tablets and laptops: no horizontal scroll, the header's buttons on screen, every setting
 * reachable and operable (through the Settings drawer on small screens, by touch on phones and tablets), the
 * views filling with data, and a tap on a chart giving the hover read-out.
 */

interface Size {
  width: number;
  height: number;
  /** Phones and tablets: a touch screen (coarse pointer, 44 px targets), driven by taps. */
  touch: boolean;
  /** Below 900 px the settings live in a drawer behind the header's Settings button. */
  drawer: boolean;
}

const SIZES: Size[] = [
  { width: 360, height: 740, touch: true, drawer: true },
  { width: 390, height: 844, touch: true, drawer: true },
  { width: 768, height: 1024, touch: true, drawer: true },
  { width: 1024, height: 768, touch: true, drawer: false },
  { width: 1280, height: 720, touch: false, drawer: false },
  { width: 1920, height: 1080, touch: false, drawer: false },
];

const stepOf = async (page: Page) => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));
const figure = (page: Page, title: string) => page.getByRole('figure', { name: new RegExp(`^${title}`) });
const noHorizontalScroll = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth);

async function expectTouchTarget(el: Locator, what: string) {
  const box = await el.boundingBox();
  expect(box, what).not.toBeNull();
  expect(box!.width, `${what}: width`).toBeGreaterThanOrEqual(44);
  expect(box!.height, `${what}: height`).toBeGreaterThanOrEqual(44);
}

/** Nothing covers the element at its centre: a tap or click there reaches it. */
async function expectHittable(el: Locator, what: string) {
  const hit = await el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    // A checkbox is reached through its label too; a control's own parts (a select's text) count as itself.
    return !!top && (node === top || node.contains(top) || (node instanceof HTMLInputElement && [...(node.labels ?? [])].some((l) => l.contains(top))));
  });
  expect(hit, `${what} is not covered`).toBe(true);
}

for (const size of SIZES) {
  const name = `${size.width}×${size.height}${size.touch ? ' (touch)' : ''}`;
  test.describe(name, () => {
    test.use({ viewport: { width: size.width, height: size.height }, hasTouch: size.touch, isMobile: size.touch && size.width < 900 });

    test(`${name}: fits the screen, every setting reachable and operable, views fill, charts read out`, async ({ page }) => {
      // The engine's start-up and a few probes on a shared 2-core machine, plus a walk through every control.
      test.setTimeout(300_000);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const press = (el: Locator) => (size.touch ? el.tap() : el.click());

      await page.goto('/');
      const play = page.getByRole('button', { name: 'Play' });
      await expect(play).toBeEnabled({ timeout: 120_000 });
      await expect.poll(() => noHorizontalScroll(page), { message: 'no horizontal scroll' }).toBe(true);
      // With the side panel, the page fits the screen and its panes scroll (nothing hidden in them pushes it).
      if (!size.drawer) await expect.poll(() => page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight), { message: 'no page scroll' }).toBe(true);

      // The header's buttons are on screen (and big enough for a finger on touch screens).
      const settingsButton = page.getByRole('button', { name: 'Settings', exact: true });
      const header = [
        ['Play', play],
        ['Step', page.getByRole('button', { name: 'Step', exact: true })],
        ['Reset', page.getByRole('button', { name: 'Reset' })],
        ['theme', page.getByRole('button', { name: /^Switch to (light|dark) theme$/ })],
        ['help', page.getByRole('button', { name: 'Help and keyboard shortcuts' })],
      ] as const;
      for (const [what, el] of header) {
        await expectOnScreen(page, el, what);
        if (size.touch) await expectTouchTarget(el, what);
      }
      if (size.touch) await expectTouchTarget(page.getByRole('combobox', { name: 'Speed' }), 'speed');
      await expect(settingsButton).toHaveCount(size.drawer ? 1 : 0);

      const settings = page.getByRole('form', { name: 'Experiment settings' });
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      if (size.drawer) {
        await expectOnScreen(page, settingsButton, 'Settings');
        if (size.touch) await expectTouchTarget(settingsButton, 'Settings');
        // Closed, the drawer is out of sight and out of reach.
        await expect(settings).toBeHidden();
        await press(settingsButton);
        await expect(dialog).toBeVisible();
        // (Behind the open drawer the button is hidden from assistive technology: found by its class here.)
        await expect(page.locator('header .settings-button')).toHaveAttribute('aria-expanded', 'true');
        // Focus moves into the drawer, and the page behind is inert.
        await expect(page.getByRole('button', { name: 'Close settings' })).toBeFocused();
        await expect(page.locator('header.app-header')).toHaveAttribute('inert', '');
        await expect(page.locator('main.views')).toHaveAttribute('aria-hidden', 'true');
        await expect.poll(() => noHorizontalScroll(page), { message: 'no horizontal scroll with the drawer open' }).toBe(true);
      }
      await expect(settings).toBeVisible();

      // Folded sections (each arm's own settings) are opened first: their controls are reachable that way.
      const folded = settings.locator('details:not([open]) > summary');
      for (let n = await folded.count(); n > 0; n = await folded.count()) {
        const summary = folded.first();
        await summary.scrollIntoViewIfNeeded();
        if (size.touch) await expectTouchTarget(summary, 'a folded section');
        await press(summary);
      }
      // Every control in the settings can be scrolled to, sits on screen uncovered, and (touch) is 44 px.
      const controls = settings.locator('select, input, button');
      const count = await controls.count();
      expect(count).toBeGreaterThan(10);
      for (let i = 0; i < count; i++) {
        const el = controls.nth(i);
        const what = (await el.getAttribute('aria-label')) ?? (await el.evaluate((n) => (n as HTMLInputElement).labels?.[0]?.textContent ?? n.textContent ?? n.tagName));
        await el.scrollIntoViewIfNeeded();
        await expect(el, what).toBeEnabled();
        await expectOnScreen(page, el, what);
        await expectHittable(el, what);
        if (size.touch) {
          // A checkbox's or radio button's target is the label around it, or its row (box and label together).
          const type = await el.getAttribute('type');
          const box = type === 'checkbox' || type === 'radio';
          const target = box ? el.locator('xpath=ancestor::label[1] | ancestor::div[contains(@class, "field")][1]').first() : el;
          await expectTouchTarget(target, what);
        }
      }

      // Operable: a tap (or click) on the learning-rate slider's track moves it and restarts the run.
      const lr = settings.getByRole('slider', { name: 'Learning rate', exact: true });
      const lrOutput = settings.locator('.field', { has: page.getByRole('slider', { name: 'Learning rate', exact: true }) }).locator('output');
      const before = await lrOutput.textContent();
      await lr.scrollIntoViewIfNeeded();
      const box = (await lr.boundingBox())!;
      const at = { x: Math.round(box.width * 0.2), y: Math.round(box.height / 2) };
      await (size.touch ? lr.tap({ position: at }) : lr.click({ position: at }));
      await expect(page.getByText(/Run reset to step 0: learning rate changed/)).toBeVisible();
      await expect(lrOutput).not.toHaveText(before ?? '');
      const after = await lrOutput.textContent();
      await expectOnScreen(page, page.getByText(/Run reset to step 0/), 'the notice');

      if (size.drawer) {
        // Closing gives focus back to the Settings button and the page back its interactivity; the setting stays.
        if (size.width < 600) await press(page.getByRole('button', { name: 'Close settings' }));
        else await page.keyboard.press('Escape');
        await expect(dialog).toBeHidden();
        await expect(settingsButton).toBeFocused();
        await expect(settingsButton).toHaveAttribute('aria-expanded', 'false');
        await expect(page.locator('header.app-header')).not.toHaveAttribute('inert', '');
        await press(settingsButton);
        await expect(lrOutput).toHaveText(after ?? '');
        await page.keyboard.press('Escape');
        await expect(dialog).toBeHidden();
      }

      // Train a few probes: the scoreboard and the convergence chart fill.
      await expect(play).toBeEnabled({ timeout: 60_000 });
      await play.scrollIntoViewIfNeeded();
      await press(play);
      await expect.poll(() => stepOf(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(110);
      await press(page.getByRole('button', { name: 'Pause' }));
      await expect(page.getByTestId('train-loss-0')).toHaveText(/^\d/);
      const conv = figure(page, 'Convergence');
      await expect(conv.getByText(/waiting for/)).toHaveCount(0);
      await expect
        .poll(() => conv.locator('path').evaluateAll((ps) => Math.max(0, ...ps.map((p) => (p.getAttribute('d') ?? '').match(/[LC]/g)?.length ?? 0))))
        .toBeGreaterThanOrEqual(2);
      await expect.poll(() => noHorizontalScroll(page), { message: 'no horizontal scroll with data' }).toBe(true);

      // A tap on the chart gives the read-out a hover gives (and it stays up after the finger lifts).
      const overlay = conv.locator('.conv-overlay').first();
      await overlay.scrollIntoViewIfNeeded();
      const o = (await overlay.boundingBox())!;
      const spot = { x: Math.round(o.width * 0.6), y: Math.round(o.height / 2) };
      if (size.touch) await overlay.tap({ position: spot });
      else await overlay.hover({ position: spot });
      const readout = conv.locator('.view-tooltip');
      await expect(readout).toBeVisible();
      await expect(readout).toContainText(/step \d/);
      await expect(readout).toContainText('train loss');
      // The read-out fits inside its view.
      const [r, v] = [(await readout.boundingBox())!, (await conv.boundingBox())!];
      expect(r.x).toBeGreaterThanOrEqual(v.x - 0.5);
      expect(r.x + r.width).toBeLessThanOrEqual(v.x + v.width + 0.5);
      if (size.touch) {
        // A tap elsewhere takes it down.
        await conv.getByText('Convergence', { exact: true }).tap();
        await expect(readout).toBeHidden();
      }
      expect(errors).toEqual([]);
    });
  });
}

test.describe('a tablet turning', () => {
  test.use({ viewport: { width: 768, height: 1024 }, hasTouch: true });

  test('the open drawer closes when the side panel comes back, and nothing set is lost', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Settings', exact: true }).tap();
    const depth = page.getByRole('slider', { name: 'Depth', exact: true });
    await depth.focus();
    await depth.press('ArrowRight');
    await expect(page.getByText(/Run reset to step 0: depth changed/)).toBeVisible();
    const settings = page.getByRole('form', { name: 'Experiment settings' });
    const depthText = settings.locator('.field', { has: depth }).locator('output');
    await expect(depthText).toHaveText('4 hidden layers');

    await page.setViewportSize({ width: 1024, height: 768 });
    await expect(page.getByRole('dialog', { name: 'Settings' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Settings', exact: true })).toHaveCount(0);
    await expect(page.locator('header.app-header')).not.toHaveAttribute('inert', '');
    await expect(settings).toBeVisible();
    await expect(depthText).toHaveText('4 hidden layers');

    await page.setViewportSize({ width: 768, height: 1024 });
    await expect(settings).toBeHidden();
    await page.getByRole('button', { name: 'Settings', exact: true }).tap();
    await expect(depthText).toHaveText('4 hidden layers');
  });
});

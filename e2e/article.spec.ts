import { expect, test } from '@playwright/test';

/** The lessons of the lab, by their URL names: every "Try it" link of the article must open one of them. */
const LESSONS = ['what-bn-computes', 'ioffe-mnist', 'high-lr', 'init-scale', 'inference-mode', 'placement', 'small-batch', 'regularization', 'deep-sigmoid', 'cnn-mnist', 'noisy-bn', 'overhead'];

test.describe('the article beside the lab', () => {
  test('opens, with its sections, its equations and a lesson link in each section that has one', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // A Content-Security-Policy violation is a console error; so is a failed font or script.
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto('./article.html');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Batch normalization');
    await expect(page.locator('main section')).toHaveCount(13);
    // KaTeX typeset the equations (no red error text).
    expect(await page.locator('.katex').count()).toBeGreaterThan(20);
    await expect(page.locator('.katex-error')).toHaveCount(0);

    const hrefs = await page.locator('a.try-it').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThanOrEqual(10);
    for (const href of hrefs) {
      const m = href.match(/^\.\/\?lesson=([a-z-]+)$/);
      expect(m, href).not.toBeNull();
      expect(LESSONS, href).toContain(m![1]);
    }
    // The page carries its own policy (a static host sends none).
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  test('a "Try it" link opens the lab with its lesson', async ({ page }) => {
    await page.goto('./article.html');
    await page.locator('a.try-it[href="./?lesson=high-lr"]').click();
    await expect(page).toHaveURL(/\/\?lesson=high-lr$/);
    await expect(page.getByRole('button', { name: /^(Play|Pause)$/ })).toBeVisible({ timeout: 60_000 });
  });

  test('the lab’s header links to the article', async ({ page }) => {
    await page.goto('./?v=1&preset=spirals&be=wasm');
    await page.getByRole('link', { name: 'Article' }).click();
    await expect(page).toHaveURL(/\/article\.html$/);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`reads on a phone (390 × 844, ${theme}) without horizontal scrolling`, async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('./article.html');
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      // Past every section, equation, code block and table: the page is no wider than the screen.
      for (const id of ['computes', 'learning-rate', 'small-batches', 'code', 'references']) {
        await page.locator(`#${id}`).scrollIntoViewIfNeeded();
        const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
        expect(scrollWidth, id).toBeLessThanOrEqual(clientWidth);
      }
      // Body text at a readable size, and touch targets of 44 px for the lesson links.
      const size = await page.locator('main p').first().evaluate((p) => parseFloat(getComputedStyle(p).fontSize));
      expect(size).toBeGreaterThanOrEqual(16);
      const height = await page.locator('a.try-it').first().evaluate((a) => a.getBoundingClientRect().height);
      expect(height).toBeGreaterThanOrEqual(44);
      // The theme button switches the other way.
      await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).click();
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme === 'dark' ? 'light' : 'dark');
    });
  }
});

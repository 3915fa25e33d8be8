import { expect, type Locator, type Page } from '@playwright/test';

/** Helpers the browser specs share. */

/** The element's box lies inside the viewport (half a pixel of rounding allowed). */
export async function expectOnScreen(page: Page, el: Locator, what: string): Promise<void> {
  const box = await el.boundingBox();
  const view = page.viewportSize()!;
  expect(box, what).not.toBeNull();
  expect(box!.x, `${what}: left edge`).toBeGreaterThanOrEqual(-0.5);
  expect(box!.y, `${what}: top edge`).toBeGreaterThanOrEqual(-0.5);
  expect(box!.x + box!.width, `${what}: right edge`).toBeLessThanOrEqual(view.width + 0.5);
  expect(box!.y + box!.height, `${what}: bottom edge`).toBeLessThanOrEqual(view.height + 0.5);
}

/**
 * Records every phase the start-up card names, as it appears (phases can pass faster than a test could poll them).
 * Call before `page.goto`; the returned function reads them, without the card's "Getting the lab ready: " and "…".
 */
export async function recordStartupPhases(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { phasesSeen: string[] }).phasesSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="engine-status"] .engine-phase')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return async () =>
    (await page.evaluate(() => (window as unknown as { phasesSeen: string[] }).phasesSeen)).map((p) => p.replace(/^Getting the lab ready: /, '').replace(/…$/, ''));
}

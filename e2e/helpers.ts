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

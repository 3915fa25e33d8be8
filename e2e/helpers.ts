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

/** What the start-up card showed at one moment: its phase line as written, its clock, and whether Play was off. */
export interface StartupCard {
  phase: string;
  elapsed: string;
  playDisabled: boolean;
}

/**
 * Records the start-up card each time it changes: its phases can pass faster than a test could poll them, and on a
 * fast machine the whole card can come and go between two polls. Call before `page.goto`. `phases()` gives the
 * phases it named, in order, without the card's "Getting the lab ready: " and "…"; `cards()` gives every snapshot.
 */
export async function recordStartup(page: Page): Promise<{ phases: () => Promise<string[]>; cards: () => Promise<StartupCard[]> }> {
  await page.addInitScript(() => {
    const seen: { phase: string; elapsed: string; playDisabled: boolean }[] = [];
    (window as unknown as { startupCards: typeof seen }).startupCards = seen;
    new MutationObserver(() => {
      const card = document.querySelector('[data-testid="engine-status"]');
      const phase = card?.querySelector('.engine-phase')?.textContent;
      if (!card || !phase) return;
      const elapsed = card.querySelector('.engine-elapsed')?.textContent ?? '';
      const last = seen[seen.length - 1];
      if (last && last.phase === phase && last.elapsed === elapsed) return;
      const play = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Play');
      seen.push({ phase, elapsed, playDisabled: play ? play.disabled : true });
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const cards = async () => page.evaluate(() => (window as unknown as { startupCards: StartupCard[] }).startupCards);
  const phases = async () => {
    const out: string[] = [];
    for (const c of await cards()) {
      const p = c.phase.replace(/^Getting the lab ready: /, '').replace(/…$/, '');
      if (out[out.length - 1] !== p) out.push(p);
    }
    return out;
  };
  return { phases, cards };
}

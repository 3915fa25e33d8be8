// The README's screenshots: the default lab trained to step 500 (the page's ?to=500 runs there and stops), at
// 1280×720 (a projector) and 1920×1080 (a laptop), light and dark; a phone (390×844, light and dark, and with
// its settings sheet open) and a tablet in portrait (768×1024) and landscape (1024×768), as touch screens; projector
// mode at 1280×720 (the Figure 1 pair, and a chart beside the batch-norm inspector), light and dark; and embed mode
// as a course page's iframe would show it (960×600).
// Writes docs/screenshots/*.png.
//   npm run screenshots
//   SCREENSHOTS_ONLY=projector,embed SCREENSHOTS_DIST=dist-x node scripts/screenshots.mjs   (some shots, another build)
import fs from 'node:fs';
import { launchChromium, servePreview } from './lib/browser.mjs';

/**
 * name: the file's prefix; touch: a phone or tablet (coarse pointer, 44 px targets); settings: drawer open;
 * query: the link's parameters besides ?to=500.
 */
const SHOTS = [
  { name: 'lab', width: 1280, height: 720, themes: ['light', 'dark'] },
  { name: 'lab', width: 1920, height: 1080, themes: ['light', 'dark'] },
  { name: 'phone', width: 390, height: 844, themes: ['light', 'dark'], touch: true },
  { name: 'phone-settings', width: 390, height: 844, themes: ['light'], touch: true, settings: true },
  { name: 'tablet', width: 768, height: 1024, themes: ['light'], touch: true },
  { name: 'tablet', width: 1024, height: 768, themes: ['light'], touch: true },
  { name: 'projector', width: 1280, height: 720, themes: ['light', 'dark'], query: 'projector=1&views=convergence,distributions' },
  { name: 'projector-inspector', width: 1280, height: 720, themes: ['light'], query: 'projector=1&views=convergence,inspector' },
  { name: 'embed', width: 960, height: 600, themes: ['light'], query: 'embed=1&views=convergence,distributions' },
];
const only = process.env.SCREENSHOTS_ONLY?.split(',');

const { url, stop } = await servePreview(4184, process.env.SCREENSHOTS_DIST);
const browser = await launchChromium();
fs.mkdirSync('docs/screenshots', { recursive: true });
for (const shot of SHOTS.filter((s) => !only || only.some((o) => s.name.startsWith(o)))) {
  const { width: w, height: h } = shot;
  for (const theme of shot.themes) {
    const touch = Boolean(shot.touch);
    const context = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: theme, hasTouch: touch, isMobile: touch && w < 900 });
    const page = await context.newPage();
    await page.goto(`${url}?to=500${shot.query ? `&${shot.query}` : ''}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="step"]')?.textContent === '500', null, { timeout: 120_000 });
    if (shot.settings) {
      await page.getByRole('button', { name: 'Settings', exact: true }).tap();
      // The sheet has slid up when its close button (which takes the focus) is inside the viewport.
      await page.waitForFunction(() => {
        const r = document.querySelector('.drawer-close')?.getBoundingClientRect();
        return !!r && document.activeElement?.classList.contains('drawer-close') && r.bottom <= innerHeight && getComputedStyle(document.querySelector('.sidebar')).transform === 'none';
      });
    }
    await page.waitForTimeout(800);
    const file = `docs/screenshots/${shot.name}-${w}x${h}-${theme}.png`;
    await page.screenshot({ path: file });
    console.log(`wrote ${file}`);
    await context.close();
  }
}
await browser.close();
stop();
process.exit(0);

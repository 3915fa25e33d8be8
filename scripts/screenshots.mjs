// The README's screenshots: the default lab trained to step 500 (the page's ?to=500 runs there and stops), at
// 1280×720 (a projector) and 1920×1080 (a laptop), light and dark. Writes docs/screenshots/*.png.
//   npm run screenshots
import fs from 'node:fs';
import { launchChromium, servePreview } from './lib/browser.mjs';

const { url, stop } = await servePreview(4184);
const browser = await launchChromium();
fs.mkdirSync('docs/screenshots', { recursive: true });
for (const [w, h] of [[1280, 720], [1920, 1080]]) {
  for (const theme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: w, height: h }, colorScheme: theme });
    await page.goto(`${url}?to=500`);
    await page.waitForFunction(() => document.querySelector('[data-testid="step"]')?.textContent === '500', null, { timeout: 120_000 });
    await page.waitForTimeout(800);
    const file = `docs/screenshots/lab-${w}x${h}-${theme}.png`;
    await page.screenshot({ path: file });
    console.log(`wrote ${file}`);
    await page.close();
  }
}
await browser.close();
stop();
process.exit(0);

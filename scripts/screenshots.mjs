// The README's screenshots: the default lab trained to step 500 (the page's ?to=500 runs there and stops), at
// 1280×720 (a projector) and 1920×1080 (a laptop), light and dark. Writes docs/screenshots/*.png.
//   npm run screenshots
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const port = 4184;
const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore' });
process.on('exit', () => server.kill('SIGTERM'));
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break;
  } catch {
    /* not up yet */
  }
  await new Promise((r) => setTimeout(r, 200));
}
const browser = await chromium.launch({
  executablePath: fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
fs.mkdirSync('docs/screenshots', { recursive: true });
for (const [w, h] of [[1280, 720], [1920, 1080]]) {
  for (const theme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: w, height: h }, colorScheme: theme });
    await page.goto(`http://127.0.0.1:${port}/?to=500`);
    await page.waitForFunction(() => document.querySelector('[data-testid="step"]')?.textContent === '500', null, { timeout: 120_000 });
    await page.waitForTimeout(800);
    const file = `docs/screenshots/lab-${w}x${h}-${theme}.png`;
    await page.screenshot({ path: file });
    console.log(`wrote ${file}`);
    await page.close();
  }
}
await browser.close();
process.exit(0);

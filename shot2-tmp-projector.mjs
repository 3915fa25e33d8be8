import { chromium } from 'playwright-core';
const [url, prefix, size = '1280x720', theme = 'light'] = process.argv.slice(2);
const [width, height] = size.split('x').map(Number);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width, height }, colorScheme: theme });
const t0 = Date.now();
await p.goto(url);
const seen = [];
let i = 0;
while (Date.now() - t0 < 90000) {
  const txt = await p.evaluate(() => document.querySelector('[data-testid="engine-status"], [data-testid="warmup-note"]')?.textContent ?? null);
  if (txt && (seen.length === 0 || !seen[seen.length - 1].startsWith(txt.split('…')[0]))) {
    seen.push(txt);
    await p.screenshot({ path: `${prefix}-${i++}.png` });
  }
  const ready = await p.evaluate(() => !document.querySelector('.play')?.hasAttribute('disabled'));
  if (ready && !txt) break;
  await p.waitForTimeout(150);
}
console.log(((Date.now() - t0) / 1000).toFixed(1), 's');
console.log(seen.join('\n'));
await b.close();

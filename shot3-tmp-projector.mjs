import { chromium } from 'playwright-core';
const [url, prefix] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1280, height: 720 } });
const t0 = Date.now();
await p.goto(url);
const log = [];
let last = '';
let pressed = false; let i = 0;
while (Date.now() - t0 < 150000) {
  const txt = await p.evaluate(() => document.querySelector('[data-testid="engine-status"], [data-testid="warmup-note"]')?.textContent ?? '');
  const head = txt.split('…')[0];
  if (head !== last) { log.push(`${((Date.now() - t0) / 1000).toFixed(1)} ${txt}`); last = head; if (txt) await p.screenshot({ path: `${prefix}-${i++}.png` }); }
  const ready = await p.evaluate(() => !document.querySelector('.play')?.hasAttribute('disabled'));
  if (ready && !pressed && !txt) { pressed = true; log.push(`${((Date.now() - t0) / 1000).toFixed(1)} ready, Play`); await p.locator('.play').click(); }
  const step = await p.evaluate(() => document.querySelector('[data-testid="step"]')?.textContent);
  if (pressed && step !== '0' && !txt) { log.push(`${((Date.now() - t0) / 1000).toFixed(1)} step ${step}`); break; }
  await p.waitForTimeout(100);
}
console.log(log.join('\n'));
await b.close();

// usage: node shot.mjs URL OUT [WxH] [dark] [action]
import { chromium } from 'playwright-core';
const [url, out, size = '1280x720', theme = 'light', action = ''] = process.argv.slice(2);
const [width, height] = size.split('x').map(Number);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width, height }, colorScheme: theme });
p.on('pageerror', (e) => console.log('pageerror', e.message));
p.on('console', (m) => { if (m.type() === 'error') console.log('console', m.text()); });
await p.goto(url);
const to = new URL(url).searchParams.get('to');
if (to) await p.waitForFunction((t) => document.querySelector('[data-testid="step"]')?.textContent === t && !document.querySelector('[data-testid="engine-status"]'), to, { timeout: 120000 });
if (action === 'picker') await p.getByRole('button', { name: /^Views/ }).click();
if (action === 'toggle') await p.keyboard.press('p');
await p.waitForTimeout(900);
const m = await p.evaluate(() => ({ sh: document.documentElement.scrollHeight, ih: innerHeight, sw: document.documentElement.scrollWidth }));
console.log(out, JSON.stringify(m));
await p.screenshot({ path: out });
await b.close();

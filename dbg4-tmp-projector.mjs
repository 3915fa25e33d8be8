import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1000, height: 700 } });
p.on('console', (m) => console.log('console', m.type(), m.text()));
await p.setContent(`<!doctype html><body style="font-family:serif;margin:2rem"><h1>Batch norm, week 3</h1><p>Press Play and watch the two curves.</p>
<iframe title="BatchNorm Explorer" src="http://127.0.0.1:4336/?embed=1&views=convergence&theme=dark" width="800" height="440" style="border:1px solid #ccc"></iframe></body>`);
await p.waitForTimeout(2500);
await p.screenshot({ path: '/tmp/pj/iframe0.png' });
const f = p.frameLocator('iframe');
await f.locator('.play:not([disabled])').waitFor({ timeout: 90000 });
await f.locator('.play').click();
await p.waitForTimeout(4000);
await f.locator('.play').click();
await p.waitForTimeout(800);
await p.screenshot({ path: '/tmp/pj/iframe1.png' });
await b.close();

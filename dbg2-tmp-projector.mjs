import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1280, height: 720 } });
await p.goto(process.argv[2]);
await p.waitForFunction(() => document.querySelector('[data-testid="step"]')?.textContent === '500', null, { timeout: 120000 });
await p.waitForTimeout(1000);
console.log(await p.evaluate(() => {
  const w = document.querySelector('.inspector-table-wrap');
  const d = document.querySelector('.inspector-detail');
  const f = document.querySelector('.inspector-frame-box');
  return { rows: document.querySelectorAll('.inspector-table tbody tr').length, wrap: [w.scrollHeight, w.clientHeight], detail: [d.scrollHeight, d.clientHeight], frame: f.getBoundingClientRect().height, wrapRect: w.getBoundingClientRect().toJSON() };
}));
await b.close();

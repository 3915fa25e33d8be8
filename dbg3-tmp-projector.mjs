import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1280, height: 720 } });
await p.goto(process.argv[2]);
await p.locator('.play:not([disabled])').waitFor({ timeout: 90000 });
await p.waitForTimeout(1500);
console.log(await p.evaluate(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.bottom > 730 && getComputedStyle(el).position !== 'static' ) out.push(`${el.tagName}.${el.className} ${getComputedStyle(el).position} ${r.top.toFixed(0)}-${r.bottom.toFixed(0)}`);
  }
  return [document.documentElement.scrollHeight, document.querySelector('.app').getBoundingClientRect().height, ...out.slice(0, 15)];
}));
await b.close();

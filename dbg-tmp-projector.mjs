import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1280, height: 720 } });
await p.addInitScript(() => {
  const W = window.Worker;
  window.__ev = [];
  window.Worker = class extends W {
    constructor(...a) { super(...a); this.addEventListener('message', (e) => window.__ev.push(`${performance.now().toFixed(0)} ${e.data.type} ${e.data.phase ?? ''} ${e.data.step ?? e.data.snapshot?.step ?? ''} r${e.data.runId}`)); }
  };
});
await p.goto(process.argv[2]);
await p.locator('.play:not([disabled])').waitFor({ timeout: 150000 });
await p.locator('.play').click();
await p.waitForFunction(() => Number(document.querySelector(`[data-testid="step"]`)?.textContent) >= 4, null, { timeout: 90000 });
await p.waitForTimeout(500);
console.log((await p.evaluate(() => window.__ev)).filter((l) => !l.includes('progress') || true).slice(-25).join('\n'));
await b.close();

// Main-thread responsiveness of the lab while the ioffe-mnist preset trains: the longest main-thread task
// (PerformanceObserver 'longtask', which reports tasks over 50 ms) and the frame rate (requestAnimationFrame)
// over a 30 s window, and the layout shift in that window, in headless Chromium against the built app (vite preview).
//   npm run bench:browser [-- --seconds 30 --size 1280x720]
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, servePreview } from './lib/browser.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const seconds = Number(arg('--seconds', '30'));
const [width, height] = arg('--size', '1280x720').split('x').map(Number);
const { url, stop } = await servePreview(4183);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width, height } });
await page.addInitScript(() => {
  window.__bench = { longTasks: [], frames: [], shifts: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__bench.shifts.push({ start: e.startTime, value: e.value });
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
});
await page.goto(url);
await page.getByRole('button', { name: 'Play' }).waitFor({ state: 'visible' });
await page.waitForFunction(() => !document.querySelector('button.play')?.hasAttribute('disabled'), null, { timeout: 60_000 });
const backend = await page.locator('.backend').textContent();
await page.getByRole('button', { name: 'Play' }).click();
await page.waitForTimeout(3000); // let the first probes and shader/JIT warm-up pass
const result = await page.evaluate(async (ms) => {
  const t0 = performance.now();
  const frames = [];
  await new Promise((resolve) => {
    const tick = (t) => {
      frames.push(t);
      if (t - t0 < ms) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  const tasks = window.__bench.longTasks.filter((t) => t.start >= t0);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  gaps.sort((a, b) => a - b);
  return {
    seconds: (frames[frames.length - 1] - frames[0]) / 1000,
    frames: frames.length,
    fps: (frames.length - 1) / ((frames[frames.length - 1] - frames[0]) / 1000),
    frameGapP50: gaps[Math.floor(gaps.length * 0.5)],
    frameGapP99: gaps[Math.floor(gaps.length * 0.99)],
    frameGapMax: gaps[gaps.length - 1],
    longTasks: tasks.length,
    layoutShift: window.__bench.shifts.filter((x) => x.start >= t0).reduce((a, x) => a + x.value, 0),
    longestTaskMs: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
  };
}, seconds * 1000);
const step = await page.getByTestId('step').textContent();
await browser.close();
stop();

const rows = [
  ['window', `${result.seconds.toFixed(1)} s at ${width}×${height}, ${backend?.trim()}`],
  ['steps trained by the end', step],
  ['frames per second', result.fps.toFixed(1)],
  ['frame gap p50 / p99 / max', `${result.frameGapP50.toFixed(1)} / ${result.frameGapP99.toFixed(1)} / ${result.frameGapMax.toFixed(1)} ms`],
  ['main-thread tasks over 50 ms', String(result.longTasks)],
  ['layout shift while training (CLS sum)', result.layoutShift.toFixed(4)],
  ['longest main-thread task', result.longTasks ? `${result.longestTaskMs.toFixed(0)} ms` : 'none over 50 ms'],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(rows.map(([k, v]) => `| ${k.padEnd(w)} | ${v} |`).join('\n'));
const out = path.resolve(`bench-results/browser-main-thread-${width}x${height}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ tool: 'batchnorm-explorer bench (browser main thread)', date: new Date().toISOString(), viewport: [width, height], backend, step, ...result }, null, 2));
console.log(`wrote ${path.relative(process.cwd(), out)}`);
process.exit(0);

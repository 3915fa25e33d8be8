// The built app in headless Chromium (vite preview), two measurements:
// 1. First chart: from navigation to the Convergence view's first picture (the run's first probe drawn), on a fresh
//    visit (a new browser context: empty cache and storage), with the backend chosen by the page ("auto") and with it
//    named in the link (`?be=wasm`, the backend the page picks on this kind of machine), alternating, `--runs` each.
// 2. Main-thread responsiveness while the ioffe-mnist preset trains: the longest main-thread task
//    (PerformanceObserver 'longtask', which reports tasks over 50 ms), the frame rate (requestAnimationFrame) and the
//    layout shift over a `--seconds` window.
//   npm run bench:browser [-- --seconds 30 --size 1280x720 --runs 3 --only first-chart|fps --port 4183 --dist dist --named wasm]
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, servePreview } from './lib/browser.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const seconds = Number(arg('--seconds', '30'));
const runs = Number(arg('--runs', '3'));
const only = arg('--only', 'all');
const named = arg('--named', 'wasm');
const [width, height] = arg('--size', '1280x720').split('x').map(Number);
const { url, stop } = await servePreview(Number(arg('--port', '4183')), arg('--dist', 'dist'));
const browser = await launchChromium();

/**
 * One fresh visit: milliseconds from navigation (performance.timeOrigin) to the first animation frame after the
 * Convergence view drew its first probe, the start-up phases the progress card listed with their times, and what the
 * header says of the backend.
 */
async function firstChart(query) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const seen = { phases: '', timeline: [], at: null };
    window.__firstChart = seen;
    const observer = new MutationObserver(() => {
      // When each phase began, on the same clock as the first chart (from navigation).
      const phase = document.querySelector('[data-testid="engine-status"] .engine-phase')?.textContent?.replace(/^.*: /, '').replace(/…$/, '');
      if (phase && seen.timeline.at(-1)?.[0] !== phase) seen.timeline.push([phase, Math.round(performance.now())]);
      const done = [...document.querySelectorAll('[data-testid="engine-status"] .engine-done > span')].map((e) => e.textContent);
      if (done.length) seen.phases = done.join(', ');
      if (seen.at === null && document.querySelector('rect.conv-overlay')) {
        observer.disconnect();
        // The picture is on screen at the next frame.
        requestAnimationFrame(() => (seen.at = performance.now()));
      }
    });
    observer.observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(url + query);
  await page.waitForFunction(() => window.__firstChart.at !== null, null, { timeout: 180_000, polling: 50 });
  const { at, phases, timeline } = await page.evaluate(() => window.__firstChart);
  const header = page.locator('.backend');
  const backend = { text: (await header.textContent())?.trim(), reason: await header.getAttribute('title') };
  await context.close();
  return { ms: at, phases, timeline, backend };
}

const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { runs: xs, min: s[0], median: s[Math.floor((s.length - 1) / 2)] };
};

let first = null;
if (only !== 'fps') {
  const visits = { auto: [], named: [] };
  // Alternating, so that a machine that gets busier or quieter during the benchmark weighs on both alike.
  for (let i = 0; i < runs; i++) {
    visits.auto.push(await firstChart(''));
    visits.named.push(await firstChart(`?be=${named}`));
  }
  const auto = summary(visits.auto.map((v) => v.ms));
  const link = summary(visits.named.map((v) => v.ms));
  first = {
    auto: { ...auto, backend: visits.auto.at(-1).backend, phases: visits.auto.map((v) => v.phases), timelines: visits.auto.map((v) => v.timeline) },
    named: { ...link, query: `?be=${named}`, backend: visits.named.at(-1).backend, phases: visits.named.map((v) => v.phases), timelines: visits.named.map((v) => v.timeline) },
    ratioOfMedians: auto.median / link.median,
  };
  const fmt = (x) => `${(x.median / 1000).toFixed(2)} s median, ${(x.min / 1000).toFixed(2)} s min (${x.runs.map((r) => (r / 1000).toFixed(2)).join(', ')})`;
  const rows = [
    ['first chart (auto)', fmt(auto)],
    [`first chart (backend named in link)`, `${fmt(link)}, ?be=${named}`],
    ['auto / named (medians)', `${first.ratioOfMedians.toFixed(2)}×`],
    ['header (auto)', `${first.auto.backend.text} — ${first.auto.backend.reason}`],
    ['start-up phases (auto, last run)', first.auto.phases.at(-1) || '(none listed)'],
    ['phase began at, ms from navigation', visits.auto.at(-1).timeline.map(([p, t]) => `${p} ${t}`).join(', ') + `, first chart ${Math.round(visits.auto.at(-1).ms)}`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(rows.map(([k, v]) => `| ${k.padEnd(w)} | ${v} |`).join('\n'));
}

let fps = null;
if (only !== 'first-chart') {
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
  fps = { backend, step, ...result };
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
}
await browser.close();
stop();

const out = path.resolve(`bench-results/browser-main-thread-${width}x${height}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  JSON.stringify({ tool: 'batchnorm-explorer bench (browser main thread)', date: new Date().toISOString(), viewport: [width, height], firstChart: first, ...(fps ?? {}) }, null, 2),
);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
process.exit(0);

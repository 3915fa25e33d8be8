// The built app in headless Chromium (vite preview), three measurements, each with its verdict against issue 13's
// targets:
// 1. First chart: from navigation to the Convergence view's first picture (the run's first probe drawn), on a fresh
//    visit (a new browser context: empty cache and storage), with the backend chosen by the page ("auto") and with it
//    named in the link (`?be=wasm`, the backend the page picks on this kind of machine), alternating, `--runs` each.
//    Target: ≤ 1.5 s, and ≤ 1.3× the named backend's time.
// 2. The worker against Node: lockstep steps/s of the ioffe-mnist and cnn-mnist presets as the lab trains them in its
//    worker at full speed, read off the page's step counter, against bench:engine's steps/s for the same preset and
//    backend in bench-results/engine-node.json (written just before by `npm run bench`). Probes are excluded as in
//    bench:engine: the link sets them every 1,000 steps and the window ends before the first one. Target: ≥ 0.85×.
// 3. Main-thread responsiveness while the ioffe-mnist preset trains at full speed with its probes: the frame rate
//    (requestAnimationFrame), the main-thread tasks over 50 ms (PerformanceObserver 'longtask') and the layout shift
//    over a `--seconds` window. Target: ≥ 50 fps and no task over 50 ms.
//   npm run bench:browser [-- --only first-chart,worker,fps --runs 3 --rounds 3 --preset ioffe-mnist --seconds 30
//                             --window 10 --size 1280x720 --port 4183 --dist dist --named wasm]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium, servePreview } from './lib/browser.mjs';
import { WORKER_TARGET, ago, compareWithNode, readNodeBench, stepsPerSecond } from './lib/workerVsNode.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const seconds = Number(arg('--seconds', '30'));
const runs = Number(arg('--runs', '3'));
const rounds = Number(arg('--rounds', '3'));
const windowSeconds = Number(arg('--window', '10'));
const only = new Set(arg('--only', 'first-chart,worker,fps').split(','));
const named = arg('--named', 'wasm');
const [width, height] = arg('--size', '1280x720').split('x').map(Number);
/** The presets whose worker speed is compared with Node's, with the steps to let pass first (a network's first are its slowest). */
const WORKER_PRESETS = [
  ['ioffe-mnist', { warm: 20, minSteps: 50 }],
  ['cnn-mnist', { warm: 3, minSteps: 10 }],
];
const presetFilter = process.argv.flatMap((a, i) => (a === '--preset' ? [process.argv[i + 1]] : []));
for (const p of presetFilter) if (!WORKER_PRESETS.some(([name]) => name === p)) throw new Error(`--preset: ${p} is not one of ${WORKER_PRESETS.map(([n]) => n).join(', ')}`);
for (const part of only) if (!['first-chart', 'worker', 'fps'].includes(part)) throw new Error(`--only: ${part} is not one of first-chart, worker, fps`);

/** Issue 13's targets. */
const TARGETS = { firstChartMs: 1500, autoOverNamed: 1.3, fps: 50, longTaskMs: 50 };

const loadAtStart = os.loadavg();
const { url, stop } = await servePreview(Number(arg('--port', '4183')), arg('--dist', 'dist'));
const browser = await launchChromium();

/** Prints a two-column table. */
const table = (rows) => {
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(rows.map(([k, v]) => `| ${k.padEnd(w)} | ${v} |`).join('\n'));
};
const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { runs: xs, min: s[0], median: s[Math.floor((s.length - 1) / 2)] };
};
const met = (ok, by) => (ok ? 'met' : `missed${by ? ` (${by})` : ''}`);

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

let first = null;
if (only.has('first-chart')) {
  const visits = { auto: [], named: [] };
  // Alternating, so that a machine that gets busier or quieter during the benchmark weighs on both alike.
  for (let i = 0; i < runs; i++) {
    visits.auto.push(await firstChart(''));
    visits.named.push(await firstChart(`?be=${named}`));
  }
  const auto = summary(visits.auto.map((v) => v.ms));
  const link = summary(visits.named.map((v) => v.ms));
  const ratio = auto.median / link.median;
  const fast = auto.median <= TARGETS.firstChartMs;
  const close = ratio <= TARGETS.autoOverNamed;
  first = {
    auto: { ...auto, backend: visits.auto.at(-1).backend, phases: visits.auto.map((v) => v.phases), timelines: visits.auto.map((v) => v.timeline) },
    named: { ...link, query: `?be=${named}`, backend: visits.named.at(-1).backend, phases: visits.named.map((v) => v.phases), timelines: visits.named.map((v) => v.timeline) },
    ratioOfMedians: ratio,
    targets: { ms: TARGETS.firstChartMs, ratio: TARGETS.autoOverNamed },
    met: fast && close,
  };
  const fmt = (x) => `${(x.median / 1000).toFixed(2)} s median, ${(x.min / 1000).toFixed(2)} s min (${x.runs.map((r) => (r / 1000).toFixed(2)).join(', ')})`;
  table([
    ['first chart (auto)', fmt(auto)],
    [`first chart (backend named in link)`, `${fmt(link)}, ?be=${named}`],
    ['auto / named (medians)', `${ratio.toFixed(2)}×`],
    [
      `target: ≤ ${TARGETS.firstChartMs / 1000} s, ≤ ${TARGETS.autoOverNamed}× named`,
      `${met(fast, `by ${((auto.median - TARGETS.firstChartMs) / 1000).toFixed(2)} s`)}; ${met(close, `by ${(ratio - TARGETS.autoOverNamed).toFixed(2)}×`)}`,
    ],
    ['header (auto)', `${first.auto.backend.text} — ${first.auto.backend.reason}`],
    ['start-up phases (auto, last run)', first.auto.phases.at(-1) || '(none listed)'],
    ['phase began at, ms from navigation', visits.auto.at(-1).timeline.map(([p, t]) => `${p} ${t}`).join(', ') + `, first chart ${Math.round(visits.auto.at(-1).ms)}`],
  ]);
}

/**
 * Lockstep steps/s of a preset in the lab's worker at full speed: a fresh visit with the preset, the backend named and
 * probes every 1,000 steps; Play; after `warm` steps (a network's first steps are its slowest), every change of the step
 * counter is timed for `windowSeconds` (longer if fewer than `minSteps` came), ending before the step-1,000 probe.
 */
async function workerRate(preset, { warm, minSteps }) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(`${url}?preset=${preset}&every=1000&be=${named}`);
  await page.waitForFunction(() => document.querySelector('button.play')?.hasAttribute('disabled') === false, null, { timeout: 180_000, polling: 100 });
  const backend = (await page.locator('.backend').textContent())?.trim() ?? '';
  await page.evaluate(() => {
    const counter = document.querySelector('[data-testid="step"]');
    const samples = [];
    window.__steps = samples;
    new MutationObserver(() => samples.push([performance.now(), Number(counter.textContent.replace(/,/g, ''))])).observe(counter, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Play' }).click();
  const samples = await page.evaluate(
    ({ warm, minSteps, windowMs, lastStep }) =>
      new Promise((resolve, reject) => {
        const all = window.__steps;
        const began = performance.now();
        const poll = () => {
          const from = all.findIndex(([, s]) => s >= warm);
          if (from < 0) {
            if (performance.now() - began > 300_000) reject(new Error(`not at step ${warm} after 5 minutes`));
            else setTimeout(poll, 100);
            return;
          }
          const window = all.slice(from).filter(([, s]) => s <= lastStep);
          const [t0, s0] = window[0];
          const [t1, s1] = window.at(-1);
          const enough = (t1 - t0 >= windowMs && s1 - s0 >= minSteps) || t1 - t0 >= 6 * windowMs;
          if (enough || all.at(-1)[1] > lastStep) resolve(window);
          else setTimeout(poll, 100);
        };
        poll();
      }),
    { warm, minSteps, windowMs: windowSeconds * 1000, lastStep: 990 },
  );
  await context.close();
  return { backend, rate: stepsPerSecond(samples), steps: samples.at(-1)[1] - samples[0][1], seconds: (samples.at(-1)[0] - samples[0][0]) / 1000 };
}

let worker = null;
if (only.has('worker')) {
  const nodeFile = path.resolve('bench-results/engine-node.json');
  const node = readNodeBench(fs.existsSync(nodeFile) ? fs.readFileSync(nodeFile, 'utf8') : null, Date.now());
  const presets = WORKER_PRESETS.filter(([p]) => presetFilter.length === 0 || presetFilter.includes(p));
  const measured = Object.fromEntries(presets.map(([p]) => [p, []]));
  let header = '';
  // Rounds alternate the presets, as bench:engine's do.
  for (let r = 0; r < rounds; r++) {
    for (const [preset, opts] of presets) {
      const m = await workerRate(preset, opts);
      header = m.backend;
      if (!header.includes(`backend ${named}`)) throw new Error(`the lab runs on another backend than ${named} (${header}): nothing to compare with Node's ${named} row`);
      if (m.rate === null) throw new Error(`${preset}: no steps counted in the window`);
      measured[preset].push(m);
    }
  }
  const rows = presets.map(([preset]) => {
    const rates = measured[preset].map((m) => m.rate);
    return compareWithNode({ preset, backend: named, stepsPerSecond: summary(rates).median, rounds: rates }, node);
  });
  worker = { target: WORKER_TARGET, header, nodeFile: { date: node.date, ageMinutes: node.ageMs === null ? null : node.ageMs / 60000, stale: node.stale, problem: node.problem, loadAverage: node.loadAverage ?? null }, rows, windows: measured };
  const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  table([
    ['lockstep steps/s, worker vs Node', `probes excluded; worker: median of ${rounds} round${rounds === 1 ? '' : 's'} of ${windowSeconds} s or more (${header})`],
    ...rows.map((c) => [
      `${c.preset} on ${c.backend}`,
      `worker ${f(c.stepsPerSecond)} (${c.rounds.map(f).join(', ')})` +
        (c.node
          ? ` · Node ${f(c.node.stepsPerSecond)}${c.node.path ? ` (${c.node.path} path)` : ''} · ${c.ratio.toFixed(2)}× · target ≥ ${WORKER_TARGET}×: ${met(c.met, `by ${(WORKER_TARGET - c.ratio).toFixed(2)}×`)}`
          : ' · no Node figure') +
        (c.note ? ` · ${c.note}` : ''),
    ]),
    ['bench-results/engine-node.json', node.date ? `${node.date}, ${ago(node.ageMs)}${node.stale ? ' (stale)' : ''}` : node.problem],
  ]);
}

let fps = null;
if (only.has('fps')) {
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
  await page.waitForFunction(() => document.querySelector('button.play')?.hasAttribute('disabled') === false, null, { timeout: 180_000 });
  const backend = await page.locator('.backend').textContent();
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(3000); // let the first probes and shader/JIT warm-up pass
  const step0 = Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));
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
  const trained = Number(step?.replace(/,/g, '')) - step0;
  const smooth = result.fps >= TARGETS.fps;
  const free = result.longTasks === 0;
  fps = { backend, step, stepsInWindow: trained, ...result, targets: { fps: TARGETS.fps, longTaskMs: TARGETS.longTaskMs }, met: smooth && free };
  table([
    ['window', `${result.seconds.toFixed(1)} s at ${width}×${height}, ${backend?.trim()}`],
    ['steps trained in the window', `${trained.toLocaleString('en-US')} (step ${step} at the end), the default preset (ioffe-mnist) with its probes`],
    ['frames per second', result.fps.toFixed(1)],
    ['frame gap p50 / p99 / max', `${result.frameGapP50.toFixed(1)} / ${result.frameGapP99.toFixed(1)} / ${result.frameGapMax.toFixed(1)} ms`],
    ['main-thread tasks over 50 ms', String(result.longTasks)],
    ['longest main-thread task', result.longTasks ? `${result.longestTaskMs.toFixed(0)} ms` : 'none over 50 ms'],
    ['layout shift while training (CLS sum)', result.layoutShift.toFixed(4)],
    [
      `target: ≥ ${TARGETS.fps} fps, no task over ${TARGETS.longTaskMs} ms`,
      `${met(smooth, `by ${(TARGETS.fps - result.fps).toFixed(1)} fps`)}; ${met(free, `${result.longTasks} task${result.longTasks === 1 ? '' : 's'}, the longest ${result.longestTaskMs.toFixed(0)} ms`)}`,
    ],
  ]);
}
await browser.close();
stop();

const loadAtEnd = os.loadavg();
console.log(`load average (1, 5, 15 min) at start ${loadAtStart.map((x) => x.toFixed(2)).join(', ')}; at end ${loadAtEnd.map((x) => x.toFixed(2)).join(', ')} (${os.cpus().length} cores)`);
const out = path.resolve(`bench-results/browser-${width}x${height}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  JSON.stringify(
    {
      tool: 'batchnorm-explorer bench (browser)',
      date: new Date().toISOString(),
      cores: os.cpus().length,
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      viewport: [width, height],
      firstChart: first,
      workerVsNode: worker,
      mainThread: fps,
    },
    null,
    2,
  ),
);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
process.exit(0);
